using Bottleneck.Tensors;

namespace Bottleneck.Data;

/// <summary>
/// Samples as rows of a [n, features] tensor, with optional integer labels and an
/// optional per-sample image shape (e.g. [1, 28, 28]) for convolutional models.
/// </summary>
public sealed class Dataset
{
    /// <summary>The dataset's name, for messages and results files.</summary>
    public string Name { get; }
    /// <summary>The samples as rows: [n, features].</summary>
    public Tensor Features { get; }
    /// <summary>One integer label per sample, or null.</summary>
    public int[]? Labels { get; }
    /// <summary>The per-sample image shape ([C, H, W]), or null for plain vectors.</summary>
    public int[]? ImageShape { get; }

    /// <summary>A dataset of the rows of <paramref name="features"/> [n, f], with optional <paramref name="labels"/> [n] and an <paramref name="imageShape"/> whose size is f; <paramref name="name"/> names it in messages.</summary>
    public Dataset(string name, Tensor features, int[]? labels = null, int[]? imageShape = null)
    {
        if (features.Shape.Length != 2) throw new ArgumentException("features must be a [samples, features] matrix");
        if (labels is not null && labels.Length != features.Rows)
            throw new ArgumentException($"{name}: {labels.Length} labels for {features.Rows} samples");
        if (imageShape is not null && Tensor.ElementCount(imageShape) != features.RowSize)
            throw new ArgumentException($"{name}: image shape [{string.Join(", ", imageShape)}] does not hold {features.RowSize} features");
        (Name, Features, Labels, ImageShape) = (name, features, labels, imageShape);
    }

    /// <summary>Samples.</summary>
    public int Count => Features.Rows;
    /// <summary>Values per sample.</summary>
    public int FeatureCount => Features.RowSize;

    /// <summary>Per-sample shape a model sees: the image shape if there is one, else [features].</summary>
    public int[] SampleShape => ImageShape ?? [FeatureCount];

    /// <summary>A copy holding the given rows, in the given order.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices, string? name = null)
    {
        var rows = new Tensor(indices.Length, FeatureCount);
        int[]? labels = Labels is null ? null : new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Features.Row(indices[i]).CopyTo(rows.Row(i));
            if (labels is not null) labels[i] = Labels![indices[i]];
        }
        return new Dataset(name ?? Name, rows, labels, ImageShape);
    }

    /// <summary>The same samples' labels and shape with other <paramref name="features"/> (e.g. scaled).</summary>
    public Dataset WithFeatures(Tensor features) => new(Name, features, Labels, ImageShape);

    /// <summary>These samples followed by <paramref name="more"/>'s (under this name; labels only when both have them).</summary>
    internal Dataset Concatenate(Dataset more)
    {
        if (more.FeatureCount != FeatureCount) throw new ArgumentException($"{more.Name} has {more.FeatureCount} features per sample, {Name} {FeatureCount}");
        var features = new float[Features.Length + more.Features.Length];
        Features.Data.CopyTo(features, 0);
        more.Features.Data.CopyTo(features, Features.Length);
        int[]? labels = Labels is null || more.Labels is null ? null : [.. Labels, .. more.Labels];
        return new Dataset(Name, new Tensor(features, Count + more.Count, FeatureCount), labels, ImageShape);
    }
}
