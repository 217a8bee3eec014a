using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Dense (PyTorch's Linear): y = x·Wᵀ + b.  x: [B, In]  W: [Out, In]  b: [Out]  y: [B, Out]
public sealed class Dense : Layer
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Parameter Weight { get; }   // [Out, In]
    public Parameter Bias { get; }     // [Out]

    public Dense(int inFeatures, int outFeatures)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException($"Dense needs positive sizes, got {inFeatures} → {outFeatures}");
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        Weight = new Parameter("weight", outFeatures, inFeatures);
        Bias = new Parameter("bias", outFeatures);
    }

    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override void ResetParameters(InitScheme scheme, RandomState rng) =>
        Init.WeightAndBias(Weight.Value, Bias.Value, InFeatures, OutFeatures, scheme, rng);

    public override int[] OutputShape(int[] inputShape)
    {
        if (Tensor.ElementCount(inputShape) != InFeatures)
            throw new ArgumentException($"{this} expects {InFeatures} input features, got [{string.Join(", ", inputShape)}]");
        return [OutFeatures];
    }

    public override void Forward(Tensor x, Tensor y)
    {
        var input = new Matrix(x.Data, x.Rows, InFeatures);
        Gemm.Multiply(input, Weight.Value.AsMatrix().T, y.AsMatrix(), Workers);   // y = x·Wᵀ : [B, In]·[In, Out]
        Elementwise.AddRowVector(y.Span, Bias.Value.Span);                         // y += b
    }

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        var input = new Matrix(x.Data, x.Rows, InFeatures);
        Gemm.MultiplyAdd(dy.AsMatrix().T, input, Weight.Grad.AsMatrix(), Workers);  // dW += dyᵀ·x : [Out, B]·[B, In]
        Elementwise.AccumulateColumnSums(dy.Span, Bias.Grad.Span);                  // db += Σ_B dy
        if (dx is not null)
            Gemm.Multiply(dy.AsMatrix(), Weight.Value.AsMatrix(), new Matrix(dx.Data, x.Rows, InFeatures), Workers);  // dx = dy·W : [B, Out]·[Out, In]
    }

    public override string ToString() => $"Dense({InFeatures} → {OutFeatures})";
}
