using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Batch normalisation over channel c of x: [B, C, P] (P = 1 for BatchNorm1d on [B, C], H·W for BatchNorm2d).
// Training: μ, σ² over the B·P values (biased σ²); x̂ = (x − μ)/√(σ² + ε); y = γ·x̂ + β;
//   running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·N/(N − 1)  (PyTorch).
// Eval: the running statistics replace μ and σ².
// Backward (training): dx = γ/(N·√(σ² + ε)) · (N·dy − Σdy − x̂·Σ(dy·x̂)); dγ += Σ dy·x̂; dβ += Σ dy.
// Channels are independent, so they run in parallel; each channel sums in a fixed order.
/// <summary>Batch normalisation over the channels, as PyTorch's BatchNorm1d and BatchNorm2d: batch statistics in training, the running ones in eval mode.</summary>
public abstract class BatchNorm : Layer
{
    private readonly double[] _mean, _invStd;   // per channel, from the last forward pass, for backward

    /// <summary>Channels normalised (C).</summary>
    public int NumFeatures { get; }
    /// <summary>ε added to the variance before the square root.</summary>
    public double Epsilon { get; }
    /// <summary>The weight of the newest batch in the running statistics (PyTorch's momentum).</summary>
    public double Momentum { get; }
    /// <summary>γ, the per-channel scale: [C], initialised to 1.</summary>
    public Parameter Weight { get; }   // γ: [C]
    /// <summary>β, the per-channel shift: [C], initialised to 0.</summary>
    public Parameter Bias { get; }     // β: [C]
    /// <summary>The running mean of each channel, used in eval mode: [C].</summary>
    public Tensor RunningMean { get; }
    /// <summary>The running (unbiased) variance of each channel, used in eval mode: [C].</summary>
    public Tensor RunningVar { get; }

    private protected BatchNorm(int numFeatures, double epsilon, double momentum)
    {
        if (numFeatures < 1) throw new ArgumentException($"BatchNorm needs at least one feature, got {numFeatures}");
        (NumFeatures, Epsilon, Momentum) = (numFeatures, epsilon, momentum);
        Weight = new Parameter("weight", numFeatures);
        Bias = new Parameter("bias", numFeatures);
        RunningMean = new Tensor(numFeatures);
        RunningVar = new Tensor(numFeatures);
        (_mean, _invStd) = (new double[numFeatures], new double[numFeatures]);
        ResetParameters(InitScheme.KaimingUniform, new RandomState(0));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];
    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Tensor Value)> Buffers => [("running_mean", RunningMean), ("running_var", RunningVar)];

    // γ = 1, β = 0, and fresh statistics, whatever the scheme (as in both frameworks).
    /// <inheritdoc/>
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        Weight.Value.Span.Fill(1f);
        Bias.Value.Clear();
        RunningMean.Clear();
        RunningVar.Span.Fill(1f);
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y) => Workers.For(NumFeatures, new ForwardJob(this, x, y));

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx) => Workers.For(NumFeatures, new BackwardJob(this, x, dy, dx));

    // y[:, c] = γ_c·(x[:, c] − μ_c)/√(σ²_c + ε) + β_c, with the batch's statistics in training (updating the running ones) or the running ones in eval.
    private void ForwardChannel(Tensor x, Tensor y, int c)
    {
        var segments = new Segments(x, NumFeatures);
        double mean, variance;
        if (Training)
        {
            long n = (long)x.Rows * segments.Positions;
            double sum = 0, squares = 0;
            for (int b = 0; b < x.Rows; b++)
                foreach (float v in segments.Of(x, b, c)) sum += v;
            mean = sum / n;
            for (int b = 0; b < x.Rows; b++)
                foreach (float v in segments.Of(x, b, c)) squares += (v - mean) * (v - mean);
            variance = squares / n;
            RunningMean[c] = (float)((1 - Momentum) * RunningMean[c] + Momentum * mean);
            RunningVar[c] = (float)((1 - Momentum) * RunningVar[c] + Momentum * (n > 1 ? variance * n / (n - 1) : variance));
        }
        else (mean, variance) = (RunningMean[c], RunningVar[c]);

        double invStd = 1 / Math.Sqrt(variance + Epsilon);
        (_mean[c], _invStd[c]) = (mean, invStd);
        float scale = (float)(Weight.Value[c] * invStd), shift = (float)(Bias.Value[c] - mean * Weight.Value[c] * invStd);
        for (int b = 0; b < x.Rows; b++)
        {
            var src = segments.Of(x, b, c);
            var dst = segments.Of(y, b, c);
            for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale + shift;
        }
    }

    // dγ_c += Σ dy·x̂, dβ_c += Σ dy over channel c, and dx[:, c] unless it is not wanted.
    private void BackwardChannel(Tensor x, Tensor dy, Tensor? dx, int c)
    {
        var segments = new Segments(x, NumFeatures);
        double mean = _mean[c], invStd = _invStd[c], sumDy = 0, sumDyXhat = 0;
        for (int b = 0; b < x.Rows; b++)
        {
            var xs = segments.Of(x, b, c);
            var dys = segments.Of(dy, b, c);
            for (int i = 0; i < xs.Length; i++)
            {
                sumDy += dys[i];
                sumDyXhat += dys[i] * (xs[i] - mean) * invStd;
            }
        }
        Weight.Grad[c] += (float)sumDyXhat;
        Bias.Grad[c] += (float)sumDy;
        if (dx is null) return;

        double gamma = Weight.Value[c];
        long n = (long)x.Rows * segments.Positions;
        for (int b = 0; b < x.Rows; b++)
        {
            var xs = segments.Of(x, b, c);
            var dys = segments.Of(dy, b, c);
            var dxs = segments.Of(dx, b, c);
            for (int i = 0; i < xs.Length; i++)
            {
                double xhat = (xs[i] - mean) * invStd;
                dxs[i] = Training
                    ? (float)(gamma * invStd / n * (n * dys[i] - sumDy - xhat * sumDyXhat))
                    : (float)(gamma * invStd * dys[i]);
            }
        }
    }

    // Channel c of sample b of a [B, C, P] tensor.
    private readonly record struct Segments(int Channels, int Positions)
    {
        public Segments(Tensor x, int channels) : this(channels, x.RowSize / channels) { }

        public Span<float> Of(Tensor t, int b, int c) => t.Data.AsSpan((b * Channels + c) * Positions, Positions);
    }

    private readonly struct ForwardJob(BatchNorm layer, Tensor x, Tensor y) : IParallelJob
    {
        public void Run(int channel) => layer.ForwardChannel(x, y, channel);
    }

    private readonly struct BackwardJob(BatchNorm layer, Tensor x, Tensor dy, Tensor? dx) : IParallelJob
    {
        public void Run(int channel) => layer.BackwardChannel(x, dy, dx, channel);
    }
}
