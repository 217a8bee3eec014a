namespace Bottleneck.Data;

/// <summary>What a place held when Bottleneck looked there for a dataset: the files intact (used), none, some, or a damaged or wrong file.</summary>
public enum PlaceStatus
{
    /// <summary>All four files are there and match their checksums: the data is read from here.</summary>
    Used,
    /// <summary>None of the files is there.</summary>
    Missing,
    /// <summary>Some of the files are missing.</summary>
    Incomplete,
    /// <summary>A file is there but its size or checksum is not the published one.</summary>
    Corrupt,
}
