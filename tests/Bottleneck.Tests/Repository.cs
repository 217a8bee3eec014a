namespace Bottleneck.Tests;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Bottleneck.slnx.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bottleneck.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Bottleneck.slnx above {AppContext.BaseDirectory}");
    }
}
