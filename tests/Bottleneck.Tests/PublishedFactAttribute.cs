namespace Bottleneck.Tests;

/// <summary>
/// A test of the command as the README's set-up publishes it (Native AOT, or ReadyToRun without a C toolchain). It runs when
/// BOTTLENECK_PUBLISHED names that executable (.ci/run publishes it and sets it) and is reported as skipped otherwise.
/// </summary>
public sealed class PublishedFactAttribute : FactAttribute
{
    // A relative path is taken from the repository's root, as the README writes it (bin/bottleneck/bottleneck).
    public static string? Executable =>
        Environment.GetEnvironmentVariable("BOTTLENECK_PUBLISHED") is { Length: > 0 } path && Path.Combine(Repository.Root, path) is var full && File.Exists(full)
            ? full : null;

    public PublishedFactAttribute()
    {
        if (Executable is null) Skip = "BOTTLENECK_PUBLISHED does not name the published command (dotnet publish src/Bottleneck.Cli -c Release --ucr -o bin/bottleneck)";
    }
}
