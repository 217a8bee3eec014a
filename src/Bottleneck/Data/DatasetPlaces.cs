namespace Bottleneck.Data;

/// <summary>
/// Where Bottleneck looks for a dataset NAME, in this order: a folder DIR the caller gives (the files
/// directly in DIR, then in DIR/NAME), <c>$BOTTLENECK_DATA</c> (the same two), the user cache
/// (<c>$XDG_CACHE_HOME/bottleneck/datasets/NAME</c>, by default <c>~/.cache/…</c>; downloads go
/// there), then the system folder that distribution packages install into
/// (<c>/usr/share/datasets/NAME</c>, or <c>$BOTTLENECK_SYSTEM_DATASETS/NAME</c>).
/// </summary>
public sealed record DatasetPlaces(string? DataDir, string? EnvironmentDir, string CacheRoot, string SystemRoot)
{
    /// <summary>The environment variable naming the user's data folder.</summary>
    public const string DataVariable = "BOTTLENECK_DATA";
    /// <summary>The environment variable naming the system's dataset folder.</summary>
    public const string SystemVariable = "BOTTLENECK_SYSTEM_DATASETS";
    /// <summary>The system's dataset folder when the variable is unset (where Debian's dataset packages install).</summary>
    public const string DefaultSystemRoot = "/usr/share/datasets";

    /// <summary>The places to look, in order: <paramref name="dataDir"/> when given, the user's data folder, the system's.</summary>
    public static DatasetPlaces FromEnvironment(string? dataDir)
    {
        // The XDG base-directory spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new DatasetPlaces(
            NullIfEmpty(dataDir),
            NullIfEmpty(Environment.GetEnvironmentVariable(DataVariable)),
            Path.Combine(cache, "bottleneck", "datasets"),
            NullIfEmpty(Environment.GetEnvironmentVariable(SystemVariable)) ?? DefaultSystemRoot);
    }

    /// <summary>The folder downloads of dataset <paramref name="name"/> go to.</summary>
    public string CacheFor(string name) => Path.Combine(CacheRoot, name);

    /// <summary>The folders that may hold dataset <paramref name="name"/>, best first.</summary>
    public IReadOnlyList<DatasetPlace> For(string name)
    {
        var places = new List<DatasetPlace>();
        if (DataDir is not null)
        {
            places.Add(new(DataDir, PlaceOrigin.Given));
            places.Add(new(Path.Combine(DataDir, name), PlaceOrigin.Given));
        }
        if (EnvironmentDir is not null)
        {
            places.Add(new(EnvironmentDir, PlaceOrigin.Environment));
            places.Add(new(Path.Combine(EnvironmentDir, name), PlaceOrigin.Environment));
        }
        places.Add(new(CacheFor(name), PlaceOrigin.Cache));
        places.Add(new(Path.Combine(SystemRoot, name), PlaceOrigin.System));
        return places;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
