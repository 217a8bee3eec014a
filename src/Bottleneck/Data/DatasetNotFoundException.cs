namespace Bottleneck.Data;

/// <summary>
/// A dataset that is nowhere Bottleneck looks (and could not be downloaded, if that was tried).
/// The one-line message lists each place and why it was not used; <see cref="Search"/> says what the dataset is,
/// so a front end can add how to get it (its Debian package, a download).
/// </summary>
public sealed class DatasetNotFoundException(DatasetSearchResult search, string? downloadFailure = null)
    : IOException(Describe(search, downloadFailure))
{
    /// <summary>Where the dataset was looked for, and what was found in each place.</summary>
    public DatasetSearchResult Search => search;

    private static string Describe(DatasetSearchResult search, string? downloadFailure) =>
        $"{search.Dataset.Name} not found: looked in {string.Join(", ", search.Looked)}"
        + (downloadFailure is null ? "" : $"; {downloadFailure}");
}
