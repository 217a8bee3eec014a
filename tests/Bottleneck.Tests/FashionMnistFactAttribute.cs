using Bottleneck.Data;

namespace Bottleneck.Tests;

/// <summary>
/// A test that needs the real Fashion-MNIST files. It runs when $BOTTLENECK_DATA (the files
/// directly in it or in fashion-mnist/ below it) or /usr/share/datasets/fashion-mnist (Debian's
/// dataset-fashion-mnist) holds all four, and is reported as skipped, never as passed, otherwise.
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (Directory is null) Skip = "Fashion-MNIST not found (apt-get install dataset-fashion-mnist)";
    }

    /// <summary>The folder holding the four files, or null.</summary>
    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        string? env = Environment.GetEnvironmentVariable(DatasetPlaces.DataVariable);
        string[] candidates = string.IsNullOrWhiteSpace(env)
            ? [Path.Combine(DatasetPlaces.DefaultSystemRoot, "fashion-mnist")]
            : [env, Path.Combine(env, "fashion-mnist"), Path.Combine(DatasetPlaces.DefaultSystemRoot, "fashion-mnist")];
        return candidates.FirstOrDefault(dir => MnistFamily.FashionMnist.Files.All(f =>
            File.Exists(Path.Combine(dir, f.Name)) || File.Exists(Path.Combine(dir, f.UncompressedName))));
    }
}
