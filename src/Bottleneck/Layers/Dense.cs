using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Dense (PyTorch's Linear): y = x·Wᵀ + b.  x: [B, In]  W: [Out, In]  b: [Out]  y: [B, Out]
public sealed class Dense : Layer
{
    public int In { get; }
    public int Out { get; }
    public Parameter Weight { get; }   // [Out, In]
    public Parameter Bias { get; }     // [Out]

    public Dense(int inFeatures, int outFeatures)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException($"Dense needs positive sizes, got {inFeatures} → {outFeatures}");
        (In, Out) = (inFeatures, outFeatures);
        Weight = new Parameter("weight", outFeatures, inFeatures);
        Bias = new Parameter("bias", outFeatures);
    }

    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override void ResetParameters(InitScheme scheme, RandomState rng) =>
        Init.WeightAndBias(Weight.Value, Bias.Value, In, Out, scheme, rng);

    public override int[] OutputShape(int[] inputShape)
    {
        if (Tensor.ElementCount(inputShape) != In)
            throw new ArgumentException($"{this} expects {In} input features, got [{string.Join(", ", inputShape)}]");
        return [Out];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        int batch = x.Rows;
        Gemm.Multiply(x.Data, false, Weight.Value.Data, true, y.Data, batch, Out, In, accumulate: false, Workers);
        Elementwise.AddRowVector(y.Span, Bias.Value.Span);
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        int batch = x.Rows;
        // dW += dyᵀ·x : [Out, B]·[B, In]
        Gemm.Multiply(dy.Data, true, x.Data, false, Weight.Grad.Data, Out, In, batch, accumulate: true, Workers);
        // db += Σ_B dy
        Elementwise.AccumulateColumnSums(dy.Span, Bias.Grad.Span);
        // dx = dy·W : [B, Out]·[Out, In]
        if (dx is not null)
            Gemm.Multiply(dy.Data, false, Weight.Value.Data, false, dx.Data, batch, In, Out, accumulate: false, Workers);
    }

    public override string ToString() => $"Dense({In} → {Out})";
}
