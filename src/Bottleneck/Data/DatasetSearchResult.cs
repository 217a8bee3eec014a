namespace Bottleneck.Data;

/// <summary>Where Bottleneck looked for a dataset, in order, and what it found there.</summary>
public sealed class DatasetSearchResult(IdxDataset dataset, IReadOnlyList<PlaceReport> looked, FoundDataset? found)
{
    /// <summary>The dataset looked for.</summary>
    public IdxDataset Dataset => dataset;

    /// <summary>Every place looked at, up to and including the one used.</summary>
    public IReadOnlyList<PlaceReport> Looked => looked;

    /// <summary>The copy used, or null when none was complete and intact.</summary>
    public FoundDataset? Found => found;
}
