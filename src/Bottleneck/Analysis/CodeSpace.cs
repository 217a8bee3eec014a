using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>The code space of an autoencoder: its encoder's outputs for a set of inputs.</summary>
public static class CodeSpace
{
    /// <summary>Codes [n, code size] of the rows of <paramref name="features"/>, encoded in evaluation mode in batches.</summary>
    public static Tensor Encode(Autoencoder model, Tensor features, int batchSize = 256)
    {
        int n = features.Rows, inputSize = Tensor.ElementCount(model.InputShape);
        if (features.RowSize != inputSize)
            throw new ArgumentException($"the model takes inputs of {inputSize} values ({string.Join("×", model.InputShape)}), the data has {features.RowSize}");
        model.Eval();
        var codes = new Tensor(n, model.CodeSize);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var x = new Tensor([count, .. model.InputShape]);
            features.Data.AsSpan(start * inputSize, count * inputSize).CopyTo(x.Data);
            var code = model.Encode(x);
            code.Data.AsSpan(0, count * model.CodeSize).CopyTo(codes.Data.AsSpan(start * model.CodeSize));
        }
        return codes;
    }
}
