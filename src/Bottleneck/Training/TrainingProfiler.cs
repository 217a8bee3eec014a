using System.Diagnostics;
using Bottleneck.Layers;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>
/// Takes a <see cref="TrainingProfile"/>: a clock on every layer while training steps run (taken off while the held-out
/// set is scored, so evaluation's forward passes do not count as training), and laps of each step's stages. Reading a
/// timestamp is all a lap costs, and nothing allocates.
/// </summary>
internal sealed class TrainingProfiler
{
    private readonly (string Part, Layer Layer, LayerClock Clock)[] _layers;
    private long _last, _steps, _samples, _batch, _model, _optimizer;
    private double _train, _evaluation;

    public TrainingProfiler(Autoencoder model) =>
        _layers = [.. model.Encoder.Layers.Select(l => ("encoder", l, new LayerClock())), .. model.Decoder.Layers.Select(l => ("decoder", l, new LayerClock()))];

    /// <summary>Clocks on: the training steps of an epoch begin.</summary>
    public void Attach()
    {
        foreach (var (_, layer, clock) in _layers) layer.Clock = clock;
    }

    /// <summary>Clocks off, after an epoch's steps: <paramref name="trainSeconds"/> they took.</summary>
    public void Detach(double trainSeconds)
    {
        foreach (var (_, layer, _) in _layers) layer.Clock = null;
        _train += trainSeconds;
    }

    public void StartStep() => _last = Stopwatch.GetTimestamp();

    public void BatchReady() => Lap(ref _batch);

    public void ModelDone() => Lap(ref _model);

    public void StepDone(int samples)
    {
        Lap(ref _optimizer);
        _steps++;
        _samples += samples;
    }

    public void Evaluated(double seconds) => _evaluation += seconds;

    private void Lap(ref long stage)
    {
        long now = Stopwatch.GetTimestamp();
        stage += now - _last;
        _last = now;
    }

    /// <summary>The profile so far; the clocks come off (a cancelled or diverged run leaves its last epoch's on).</summary>
    public TrainingProfile Result(int threads)
    {
        foreach (var (_, layer, _) in _layers) layer.Clock = null;
        static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
        var layers = _layers.Select(l =>
        {
            double flop = 2.0 * l.Layer.MultiplyAddsPerSample / 1e9;
            string name = l.Layer is PointwiseLayer { InsideConvolution: true } ? $"{l.Layer} (inside the convolution above)" : l.Layer.ToString();
            return new LayerProfile(l.Part, name, Seconds(l.Clock.ForwardTicks), Seconds(l.Clock.WeightGradientTicks), Seconds(l.Clock.InputGradientTicks),
                                    flop * l.Clock.ForwardSamples, flop * l.Clock.BackwardSamples, flop * l.Clock.InputGradientSamples);
        }).ToList();
        double loss = Math.Max(0, Seconds(_model) - layers.Sum(l => l.Seconds));
        return new TrainingProfile(threads, PeakFlops.Gflops(threads), _steps, _samples, _train, Seconds(_batch), loss, Seconds(_optimizer), _evaluation, layers);
    }
}
