namespace Bottleneck.Analysis;

/// <summary>Symmetric joint probabilities P in CSR form: row i's entries are Columns/Values[RowStart[i]..RowStart[i + 1]).</summary>
internal sealed record SparseAffinities(int[] RowStart, int[] Columns, double[] Values)
{
    public int Count => RowStart.Length - 1;
}
