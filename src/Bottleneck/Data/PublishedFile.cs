namespace Bottleneck.Data;

/// <summary>
/// One file of a published dataset, as its publisher serves it: the (gzip) file name, its
/// size and SHA-256, and the SHA-256 of the uncompressed file. The second checksum still
/// identifies the data after a mirror or a distribution recompressed the file (Debian's
/// Fashion-MNIST package did), and lets an uncompressed copy be checked too; it is null
/// where no trustworthy value is known.
/// </summary>
public sealed record PublishedFile(string Name, long Size, string Sha256, string? ContentSha256)
{
    /// <summary>The name without ".gz": what <c>gunzip</c> leaves behind.</summary>
    public string UncompressedName => Name.EndsWith(".gz", StringComparison.Ordinal) ? Name[..^3] : Name;
}
