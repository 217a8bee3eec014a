namespace Bottleneck.Data;

/// <summary>A folder that may hold a dataset's files, and why Bottleneck looks there (one of the origins below).</summary>
public sealed record DatasetPlace(string Directory, string Origin)
{
    public const string DataDirOrigin = "--data-dir";
    public const string EnvironmentOrigin = "$" + DatasetPlaces.DataVariable;
    public const string CacheOrigin = "user cache";
    public const string SystemOrigin = "system";
}
