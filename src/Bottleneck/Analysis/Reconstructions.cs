using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>The first images of a dataset beside the model's reconstructions of them, for a report's example grid.</summary>
public static class Reconstructions
{
    /// <summary>Up to <paramref name="count"/> images from the start of <paramref name="data"/> and their reconstructions, in eval mode.</summary>
    public static (IReadOnlyList<float[]> Originals, IReadOnlyList<float[]> Reconstructed) Of(Autoencoder model, Dataset data, int count)
    {
        count = Math.Min(count, data.Count);
        var x = new Tensor([count, .. model.InputShape]);
        data.Features.Data.AsSpan(0, x.Length).CopyTo(x.Data);
        model.Eval();
        var y = model.Forward(x);
        return ([.. Enumerable.Range(0, count).Select(i => x.Row(i).ToArray())], [.. Enumerable.Range(0, count).Select(i => y.Row(i).ToArray())]);
    }

    /// <summary>The reconstruction MSE of each row of <paramref name="x"/> [n, features], in eval mode (an anomaly score, a per-sample error).</summary>
    public static double[] Errors(Autoencoder model, Tensor x, int batchSize = 256) => Score(model, x, x, batchSize, 0).Errors;

    /// <summary>Per-image MSE of the reconstructions of <paramref name="inputs"/> against <paramref name="clean"/>, in eval mode and in batches, and the first <paramref name="examples"/> reconstructions.</summary>
    internal static (double[] Errors, List<float[]> Examples) Score(Autoencoder model, Tensor inputs, Tensor clean, int batchSize, int examples)
    {
        int count = inputs.Rows, features = inputs.RowSize;
        var errors = new double[count];
        var kept = new List<float[]>(examples);
        model.Eval();
        Tensor? x = null;
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            if (x is null || x.Rows != size) x = new Tensor([size, .. model.InputShape]);
            inputs.Data.AsSpan(start * features, size * features).CopyTo(x.Data);
            var y = model.Forward(x);
            for (int i = 0; i < size; i++)
            {
                errors[start + i] = Mse(y.Data.AsSpan(i * features, features), clean.Row(start + i));
                if (start + i < examples) kept.Add(y.Data.AsSpan(i * features, features).ToArray());
            }
        }
        return (errors, kept);
    }

    internal static double Mse(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = (double)a[j] - b[j];
            sum += d * d;
        }
        return sum / a.Length;
    }

}
