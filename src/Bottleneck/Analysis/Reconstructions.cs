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
}
