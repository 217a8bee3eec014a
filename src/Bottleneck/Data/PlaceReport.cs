namespace Bottleneck.Data;

/// <summary>What Bottleneck found at one place it looked for a dataset, and why it was not used (<see cref="Detail"/>) if it was not.</summary>
public sealed record PlaceReport(DatasetPlace Place, PlaceStatus Status, string Detail)
{
    /// <summary>Whether the data was read from this place.</summary>
    public bool Used => Status == PlaceStatus.Used;

    /// <summary>"used", "no such directory", "incomplete: … missing", "corrupt: …".</summary>
    public string Reason => Status switch
    {
        PlaceStatus.Used => "used",
        PlaceStatus.Incomplete => "incomplete: " + Detail,
        PlaceStatus.Corrupt => "corrupt: " + Detail,
        _ => Detail,
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Place.Directory} ({Reason})";
}
