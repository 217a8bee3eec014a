using Bottleneck.Tensors;

namespace Bottleneck.Layers;

// Dense (PyTorch's Linear): y = x·Wᵀ + b.  x: [B, In]  W: [Out, In]  b: [Out]  y: [B, Out]
/// <summary>A fully connected layer, y = x·Wᵀ + b, as PyTorch's <c>nn.Linear</c>. x: [B, In], y: [B, Out].</summary>
public sealed class Dense : Layer
{
    /// <summary>Input features.</summary>
    public int InFeatures { get; }
    /// <summary>Output features.</summary>
    public int OutFeatures { get; }
    /// <summary>W: [Out, In], PyTorch's layout.</summary>
    public Parameter Weight { get; }   // [Out, In]
    /// <summary>b: [Out].</summary>
    public Parameter Bias { get; }     // [Out]

    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/> values, with a bias; weights are drawn by <see cref="Layer.ResetParameters"/>.</summary>
    public Dense(int inFeatures, int outFeatures)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException($"Dense needs positive sizes, got {inFeatures} → {outFeatures}");
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        Weight = new Parameter("weight", outFeatures, inFeatures);
        Bias = new Parameter("bias", outFeatures);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    /// <inheritdoc/>
    public override void ResetParameters(InitScheme scheme, RandomState rng) =>
        Init.WeightAndBias(Weight.Value, Bias.Value, InFeatures, OutFeatures, scheme, rng);

    /// <inheritdoc/>
    public override int[] OutputShape(int[] inputShape)
    {
        if (Tensor.ElementCount(inputShape) != InFeatures)
            throw new ArgumentException($"{this} expects {InFeatures} input features, got [{string.Join(", ", inputShape)}]");
        return [OutFeatures];
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y)
    {
        var input = new Matrix(x.Data, x.Rows, InFeatures);
        Gemm.Multiply(input, Weight.Value.AsMatrix().T, y.AsMatrix(), Workers);   // y = x·Wᵀ : [B, In]·[In, Out]
        Elementwise.AddRowVector(y.Span, Bias.Value.Span);                         // y += b
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        var input = new Matrix(x.Data, x.Rows, InFeatures);
        Gemm.MultiplyAdd(dy.AsMatrix().T, input, Weight.Grad.AsMatrix(), Workers);  // dW += dyᵀ·x : [Out, B]·[B, In]
        Elementwise.AccumulateColumnSums(dy.Span, Bias.Grad.Span);                  // db += Σ_B dy
        WeightGradientDone();
        if (dx is not null)
            Gemm.Multiply(dy.AsMatrix(), Weight.Value.AsMatrix(), new Matrix(dx.Data, x.Rows, InFeatures), Workers);  // dx = dy·W : [B, Out]·[Out, In]
    }

    internal override long MultiplyAddsPerSample => (long)InFeatures * OutFeatures;

    /// <inheritdoc/>
    public override string ToString() => $"Dense({InFeatures} → {OutFeatures})";
}
