namespace Bottleneck.Data;

/// <summary>
/// A dataset's four IDX files as found in one folder, read and checked (structure, checksums,
/// images matching labels), and held in memory until they become datasets.
/// </summary>
public sealed class FoundDataset
{
    private readonly IdxFile[] _files;

    internal FoundDataset(IdxDataset source, DatasetPlace place, IdxFile[] files, string[] paths, string[] unverified)
    {
        (Source, Place, _files, Paths, Unverified) = (source, place, files, paths, unverified);
        BytesOnDisk = paths.Sum(p => new FileInfo(p).Length);
    }

    /// <summary>The dataset found.</summary>
    public IdxDataset Source { get; }
    /// <summary>Where it was found.</summary>
    public DatasetPlace Place { get; }

    /// <summary>The files used, in the order of <see cref="IdxDataset.Files"/>.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Files accepted on their IDX structure alone, because no checksum of their form is published.</summary>
    public IReadOnlyList<string> Unverified { get; }

    /// <summary>The size of its four files.</summary>
    public long BytesOnDisk { get; }
    /// <summary>Training samples.</summary>
    public int TrainCount => _files[0].Count;
    /// <summary>Test samples.</summary>
    public int TestCount => _files[2].Count;

    /// <summary>Per-image shape, [1, rows, columns].</summary>
    public int[] ImageShape => [1, _files[0].Dimensions[1], _files[0].Dimensions[2]];

    /// <summary>The published train and test splits, pixels scaled to [0, 1].</summary>
    public (Dataset Train, Dataset Test) ToSplit() =>
        (Idx.ToDataset(Source.Name, _files[0], _files[1]), Idx.ToDataset(Source.Name, _files[2], _files[3]));
}
