namespace Bottleneck.Data;

/// <summary>
/// A dataset published as four IDX files (train and test images and labels), where to
/// download them, and how to recognise them. Mirrors are base URLs tried in order; a file's
/// URL is the base followed by its name.
/// </summary>
public sealed record IdxDataset(
    string Name, string Title, IReadOnlyList<Uri> Mirrors,
    PublishedFile TrainImages, PublishedFile TrainLabels, PublishedFile TestImages, PublishedFile TestLabels)
{
    /// <summary>The Debian package that installs the files in /usr/share/datasets/&lt;name&gt;, if there is one.</summary>
    public string? DebianPackage { get; init; }

    /// <summary>What each label means, by label, when the publisher names the classes (reports show these instead of numbers).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The four files, in the order train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<PublishedFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}
