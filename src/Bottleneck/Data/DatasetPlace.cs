namespace Bottleneck.Data;

/// <summary>Why Bottleneck looks in a place for a dataset, in the order it looks.</summary>
public enum PlaceOrigin
{
    /// <summary>The folder the caller named (the command line's data folder).</summary>
    Given,
    /// <summary>The folder <c>$BOTTLENECK_DATA</c> names.</summary>
    Environment,
    /// <summary>The user cache, where downloads go.</summary>
    Cache,
    /// <summary>The folder distribution packages install datasets into.</summary>
    System,
}

/// <summary>A folder that may hold a dataset's files, and why Bottleneck looks there.</summary>
public sealed record DatasetPlace(string Directory, PlaceOrigin Origin);
