using Bottleneck.Models;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// A training run as it stood at the end of an epoch, all <see cref="Trainer"/> needs to go on as if it had never
/// stopped: the weights and buffers, the optimizer's state tensors, step count and learning rate, every layer's random
/// stream (Dropout's masks), and the history. What is a function of the seed and the history is not stored but
/// replayed: the shuffle order (the training stream shuffles once per epoch after drawing the initial weights, and
/// redoing those shuffles costs less than one epoch of training) and the schedule's and early stopping's counters
/// (each stepped once per recorded epoch with the loss it watched).
/// </summary>
public sealed class TrainingState
{
    /// <summary>A state with room for <paramref name="model"/> and <paramref name="optimizer"/>, filled by <see cref="Capture"/>.</summary>
    internal TrainingState(ModelSpec spec, int plannedEpochs, Autoencoder model, Optimizer optimizer)
        : this(spec, plannedEpochs, [.. Checkpoint.StateDict(model).Select(t => new SafetensorsTensor(t.Name, t.Value.Shape, new float[t.Value.Length]))],
               [.. optimizer.State.Select(s => new float[s.Length])], [.. Streams(model).Select(_ => new RandomState(0))])
    {
    }

    /// <summary>A state as a file holds it (<see cref="TrainingStateFile"/>); its sizes are checked against the model when it is restored.</summary>
    internal TrainingState(ModelSpec spec, int plannedEpochs, IReadOnlyList<SafetensorsTensor> model, IReadOnlyList<float[]> optimizer,
                           IReadOnlyList<RandomState> streams)
    {
        (Spec, PlannedEpochs, Model, Optimizer, LayerStreams) = (spec, plannedEpochs, model, optimizer, streams);
    }

    /// <summary>The architecture trained.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The epochs the run was started with: the horizon of a schedule that depends on it (cosine's default t_max), kept when a resume trains longer.</summary>
    public int PlannedEpochs { get; }

    /// <summary>Epochs finished; 0 before the first.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Optimizer steps taken (PyTorch's state['step']).</summary>
    public int Steps { get; internal set; }

    /// <summary>The learning rate the next epoch trains with (after the schedule's step).</summary>
    public double LearningRate { get; internal set; }

    /// <summary>Every parameter and buffer under its state_dict name, in <see cref="Checkpoint.StateDict"/> order.</summary>
    internal IReadOnlyList<SafetensorsTensor> Model { get; }

    /// <summary>The optimizer's state tensors, in <see cref="Optimizers.Optimizer.State"/> order.</summary>
    internal IReadOnlyList<float[]> Optimizer { get; }

    /// <summary>Each layer's own random stream, in layer order (layers without one skipped).</summary>
    internal IReadOnlyList<RandomState> LayerStreams { get; }

    /// <summary>The finished epochs, in order.</summary>
    public IReadOnlyList<EpochRecord> History => _history;

    private readonly List<EpochRecord> _history = [];

    internal void SetHistory(IEnumerable<EpochRecord> history)
    {
        _history.Clear();
        _history.AddRange(history);
    }

    /// <summary>Copies the run's state in, at the end of epoch <paramref name="epoch"/> (0: before training).</summary>
    internal void Capture(int epoch, Autoencoder model, Optimizer optimizer, IReadOnlyList<EpochRecord> history)
    {
        var tensors = Checkpoint.StateDict(model);
        for (int i = 0; i < tensors.Count; i++) tensors[i].Value.Data.CopyTo(Model[i].Data, 0);
        for (int i = 0; i < Optimizer.Count; i++) optimizer.State[i].CopyTo(Optimizer[i], 0);
        int s = 0;
        foreach (var stream in Streams(model)) stream.CopyTo(LayerStreams[s++]);
        (Epoch, Steps, LearningRate) = (epoch, optimizer.StepCount, optimizer.LearningRate);
        for (int e = _history.Count; e < history.Count; e++) _history.Add(history[e]);
    }

    /// <summary>Puts the state into a freshly built <paramref name="model"/> and its <paramref name="optimizer"/>; an <see cref="ArgumentException"/> when it is not theirs.</summary>
    internal void Restore(Autoencoder model, Optimizer optimizer)
    {
        var tensors = Checkpoint.StateDict(model);
        if (tensors.Count != Model.Count) throw new ArgumentException($"the model has {tensors.Count} tensors, the saved state {Model.Count}");
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i].Name != Model[i].Name || !tensors[i].Value.Shape.SequenceEqual(Model[i].Shape))
                throw new ArgumentException($"the model's tensor {i} is {tensors[i].Name} [{string.Join(", ", tensors[i].Value.Shape)}], " +
                                            $"the saved state's {Model[i].Name} [{string.Join(", ", Model[i].Shape)}]");
            Model[i].Data.CopyTo(tensors[i].Value.Data, 0);
        }
        var streams = Streams(model).ToList();
        if (streams.Count != LayerStreams.Count) throw new ArgumentException($"the model has {streams.Count} random streams, the saved state {LayerStreams.Count}");
        for (int i = 0; i < streams.Count; i++) LayerStreams[i].CopyTo(streams[i]);
        optimizer.Restore(Steps, LearningRate, Optimizer);
    }

    internal static IEnumerable<RandomState> Streams(Autoencoder model) => model.Layers.Select(l => l.RandomStream).OfType<RandomState>();
}
