using System.Diagnostics;

namespace Bottleneck.Layers;

/// <summary>
/// Where one layer's training time went, when a profile is asked for: its forward passes, its parameter gradients
/// and its input gradients, in <see cref="Stopwatch"/> ticks, with the samples each pass saw (to count FLOPs).
/// The model that holds the layer starts and stops the clock around each call; a layer with parameters marks,
/// inside <see cref="Layer.Backward"/>, where its weight gradient ends and its input gradient begins.
/// </summary>
internal sealed class LayerClock
{
    private long _lap;

    public long ForwardTicks { get; private set; }
    public long WeightGradientTicks { get; private set; }
    public long InputGradientTicks { get; private set; }
    public long ForwardSamples { get; private set; }
    public long BackwardSamples { get; private set; }
    public long InputGradientSamples { get; private set; }

    public void Forward(long started, int samples)
    {
        ForwardTicks += Stopwatch.GetTimestamp() - started;
        ForwardSamples += samples;
    }

    public void StartBackward() => _lap = Stopwatch.GetTimestamp();

    // Called by the layer once its parameter gradients are summed; what follows is the input gradient.
    public void WeightGradientDone()
    {
        long now = Stopwatch.GetTimestamp();
        WeightGradientTicks += now - _lap;
        _lap = now;
    }

    // For a layer whose threads compute both gradients run by run: the wall time since the last lap, shared between the two
    // in proportion to the thread time each took (split[2r], split[2r + 1] per run r), which is then cleared.
    public void SplitBackward(long[] split)
    {
        long now = Stopwatch.GetTimestamp(), weight = 0, input = 0;
        for (int i = 0; i < split.Length; i += 2) (weight, input) = (weight + split[i], input + split[i + 1]);
        Array.Clear(split);
        long elapsed = now - _lap, share = weight + input > 0 ? (long)((double)elapsed * weight / (weight + input)) : elapsed;
        WeightGradientTicks += share;
        InputGradientTicks += elapsed - share;
        _lap = now;
    }

    public void EndBackward(int samples, bool inputGradient)
    {
        InputGradientTicks += Stopwatch.GetTimestamp() - _lap;
        BackwardSamples += samples;
        if (inputGradient) InputGradientSamples += samples;
    }
}
