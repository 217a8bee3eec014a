namespace Bottleneck.Data;

/// <summary>Where Bottleneck looked for a dataset, in order, and what it found there.</summary>
public sealed class DatasetSearchResult(IdxDataset dataset, IReadOnlyList<PlaceReport> looked, FoundDataset? found)
{
    public IdxDataset Dataset => dataset;

    /// <summary>Every place looked at, up to and including the one used.</summary>
    public IReadOnlyList<PlaceReport> Looked => looked;

    public FoundDataset? Found => found;
}
