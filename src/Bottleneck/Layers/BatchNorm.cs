using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Batch normalisation over channel c of x: [B, C, P] (P = 1 for BatchNorm1d on [B, C], H·W for BatchNorm2d).
// Training: μ, σ² over the B·P values (biased σ²); x̂ = (x − μ)/√(σ² + ε); y = γ·x̂ + β;
//   running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·N/(N − 1)  (PyTorch).
// Eval: the running statistics replace μ and σ².
// Backward (training): dx = γ/(N·√(σ² + ε)) · (N·dy − Σdy − x̂·Σ(dy·x̂)); dγ += Σ dy·x̂; dβ += Σ dy.
// Channels are independent, so they run in parallel; each channel sums in a fixed order.
public abstract class BatchNorm : Layer
{
    private readonly Action<int> _forwardChannel, _backwardChannel;
    private readonly double[] _mean, _invStd;
    private Tensor _x = null!, _y = null!, _dy = null!;
    private Tensor? _dx;
    private int _batch, _positions;

    public int NumFeatures { get; }
    public double Epsilon { get; }
    public double Momentum { get; }
    public Parameter Weight { get; }   // γ: [C]
    public Parameter Bias { get; }     // β: [C]
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }

    protected BatchNorm(int numFeatures, double epsilon, double momentum)
    {
        if (numFeatures < 1) throw new ArgumentException($"BatchNorm needs at least one feature, got {numFeatures}");
        (NumFeatures, Epsilon, Momentum) = (numFeatures, epsilon, momentum);
        Weight = new Parameter("weight", numFeatures);
        Bias = new Parameter("bias", numFeatures);
        RunningMean = new Tensor(numFeatures);
        RunningVar = new Tensor(numFeatures);
        (_mean, _invStd) = (new double[numFeatures], new double[numFeatures]);
        (_forwardChannel, _backwardChannel) = (ForwardChannel, BackwardChannel);
        ResetParameters(InitScheme.KaimingUniform, new RandomState(0));
    }

    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];
    public override IReadOnlyList<(string Name, Tensor Value)> Buffers => [("running_mean", RunningMean), ("running_var", RunningVar)];

    // γ = 1, β = 0, and fresh statistics, whatever the scheme (as in both frameworks).
    public override void ResetParameters(InitScheme scheme, RandomState rng)
    {
        Weight.Value.Span.Fill(1f);
        Bias.Value.Clear();
        RunningMean.Clear();
        RunningVar.Span.Fill(1f);
    }

    public override void Forward(Tensor x, Tensor y)
    {
        (_x, _y, _batch, _positions) = (x, y, x.Rows, x.RowSize / NumFeatures);
        Workers.For(NumFeatures, _forwardChannel);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        (_x, _dy, _dx, _batch, _positions) = (x, dy, dx, x.Rows, x.RowSize / NumFeatures);
        Workers.For(NumFeatures, _backwardChannel);
    }

    private Span<float> Segment(Tensor t, int b, int c) => t.Data.AsSpan((b * NumFeatures + c) * _positions, _positions);

    private void ForwardChannel(int c)
    {
        double mean, variance;
        if (Training)
        {
            long n = (long)_batch * _positions;
            double sum = 0, squares = 0;
            for (int b = 0; b < _batch; b++)
                foreach (float v in Segment(_x, b, c)) sum += v;
            mean = sum / n;
            for (int b = 0; b < _batch; b++)
                foreach (float v in Segment(_x, b, c)) squares += (v - mean) * (v - mean);
            variance = squares / n;
            RunningMean[c] = (float)((1 - Momentum) * RunningMean[c] + Momentum * mean);
            RunningVar[c] = (float)((1 - Momentum) * RunningVar[c] + Momentum * (n > 1 ? variance * n / (n - 1) : variance));
        }
        else (mean, variance) = (RunningMean[c], RunningVar[c]);

        double invStd = 1 / Math.Sqrt(variance + Epsilon);
        (_mean[c], _invStd[c]) = (mean, invStd);
        float scale = (float)(Weight.Value[c] * invStd), shift = (float)(Bias.Value[c] - mean * Weight.Value[c] * invStd);
        for (int b = 0; b < _batch; b++)
        {
            var src = Segment(_x, b, c);
            var dst = Segment(_y, b, c);
            for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale + shift;
        }
    }

    private void BackwardChannel(int c)
    {
        double mean = _mean[c], invStd = _invStd[c], sumDy = 0, sumDyXhat = 0;
        for (int b = 0; b < _batch; b++)
        {
            var x = Segment(_x, b, c);
            var dy = Segment(_dy, b, c);
            for (int i = 0; i < x.Length; i++)
            {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean) * invStd;
            }
        }
        Weight.Grad[c] += (float)sumDyXhat;
        Bias.Grad[c] += (float)sumDy;
        if (_dx is null) return;

        double gamma = Weight.Value[c];
        long n = (long)_batch * _positions;
        for (int b = 0; b < _batch; b++)
        {
            var x = Segment(_x, b, c);
            var dy = Segment(_dy, b, c);
            var dx = Segment(_dx, b, c);
            for (int i = 0; i < x.Length; i++)
            {
                double xhat = (x[i] - mean) * invStd;
                dx[i] = Training
                    ? (float)(gamma * invStd / n * (n * dy[i] - sumDy - xhat * sumDyXhat))
                    : (float)(gamma * invStd * dy[i]);
            }
        }
    }
}
