using Bottleneck.Layers;
using Bottleneck.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Bottleneck.Optimizers;

/// <summary>
/// Updates parameters from their gradients. Each rule is written as the sequence of
/// tensor operations PyTorch 1.13 performs (its single-tensor code path), so results
/// agree with PyTorch to float32 rounding. State is allocated once, at construction.
/// </summary>
public abstract class Optimizer
{
    private readonly float[] _scratch;
    private readonly List<float[]> _state = [];

    private protected Optimizer(IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay)
    {
        if (!(learningRate >= 0) || double.IsInfinity(learningRate)) throw new ArgumentException($"learning rate must be a finite number ≥ 0, got {learningRate}");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentException($"weight decay must be a finite number ≥ 0, got {weightDecay}");
        Parameters = parameters;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        _scratch = new float[parameters.Count == 0 ? 0 : parameters.Max(p => p.Value.Length)];
    }

    /// <summary>The parameters updated, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Current learning rate; schedules change it between steps.</summary>
    public double LearningRate { get; set; }

    /// <summary>The L2 penalty (PyTorch's weight_decay), decoupled for AdamW.</summary>
    public double WeightDecay { get; }

    /// <summary>Number of steps taken so far (PyTorch's state['step']).</summary>
    public int StepCount { get; private set; }

    /// <summary>One update of every parameter from its accumulated gradient.</summary>
    public void Step()
    {
        StepCount++;
        for (int i = 0; i < Parameters.Count; i++) Update(i, Parameters[i], StepCount);
    }

    /// <summary>Zeroes every parameter's gradient (PyTorch's <c>optimizer.zero_grad(set_to_none=False)</c>).</summary>
    public void ZeroGrad()
    {
        // Indexed, because foreach over an IReadOnlyList boxes its enumerator on every step.
        for (int i = 0; i < Parameters.Count; i++) Parameters[i].Grad.Clear();
    }

    /// <summary>
    /// Every state tensor of the rule (PyTorch's <c>state[p]['exp_avg']</c> and the like), kind by kind and parameter by
    /// parameter in the order they were made: with <see cref="StepCount"/> and <see cref="LearningRate"/>, all a run needs to
    /// go on exactly where it stopped.
    /// </summary>
    public IReadOnlyList<float[]> State => _state;

    /// <summary>
    /// Continues from a saved point: <paramref name="state"/> as <see cref="State"/> was then (copied in), after
    /// <paramref name="stepCount"/> steps at <paramref name="learningRate"/>. An <see cref="ArgumentException"/> when the
    /// tensors are not this rule's for these parameters.
    /// </summary>
    public void Restore(int stepCount, double learningRate, IReadOnlyList<float[]> state)
    {
        if (stepCount < 0) throw new ArgumentException($"a step count is ≥ 0, got {stepCount}");
        if (state.Count != _state.Count) throw new ArgumentException($"{GetType().Name} keeps {_state.Count} state tensors for these parameters, the saved state has {state.Count}");
        for (int i = 0; i < state.Count; i++)
            if (state[i].Length != _state[i].Length)
                throw new ArgumentException($"state tensor {i} of {GetType().Name} holds {_state[i].Length:N0} values, the saved one {state[i].Length:N0}");
        for (int i = 0; i < state.Count; i++) state[i].CopyTo(_state[i], 0);
        (StepCount, LearningRate) = (stepCount, learningRate);
        Restored();
    }

    /// <summary>Recomputes what a rule derives from the step count alone (NAdam's momentum product) after <see cref="Restore"/>.</summary>
    protected virtual void Restored() { }

    /// <summary>Applies the rule to one parameter at step t (1-based).</summary>
    protected abstract void Update(int index, Parameter p, int t);

    /// <summary>One state tensor per parameter, zero- or value-filled, shaped like the parameter.</summary>
    protected float[][] NewState(float initial = 0f)
    {
        var state = new float[Parameters.Count][];
        for (int i = 0; i < state.Length; i++)
        {
            state[i] = new float[Parameters[i].Value.Length];
            if (initial != 0f) Array.Fill(state[i], initial);
            _state.Add(state[i]);
        }
        return state;
    }

    /// <summary>A temporary span as long as the parameter, for intermediate results.</summary>
    protected Span<float> Scratch(Parameter p) => _scratch.AsSpan(0, p.Value.Length);

    /// <summary>
    /// PyTorch's coupled (L2) weight decay, g ← g + wd·p, applied to the gradient in place.
    /// </summary>
    protected Span<float> DecayedGradient(Parameter p)
    {
        var g = p.Grad.Span;
        if (WeightDecay != 0) TensorPrimitives.MultiplyAdd(p.Value.Span, (float)WeightDecay, g, g);
        return g;
    }
}
