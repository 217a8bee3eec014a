using System.Numerics;

namespace Bottleneck.Analysis;

/// <summary>
/// A quadtree over 2-D points for Barnes-Hut t-SNE, rebuilt in bulk every iteration. Points are
/// sorted by their Morton (Z-order) code, so every cell is a contiguous run of the sorted points,
/// and cells are stored in depth-first order, each with the index just past its subtree: a walk
/// is one forward pass through memory with no stack. A leaf holds one point, or several that
/// share a code (the same place to within 2⁻³² of the root's width).
///
/// The repulsion is summarised per group, a cell of at most <see cref="GroupSize"/> points: one walk
/// collects the cells and leaves that are far enough from every point of the group
/// (<see cref="Interactions"/>), and <see cref="InteractionList.Repulsion"/> sums them for each point.
/// </summary>
internal sealed class QuadTree
{
    /// <summary>
    /// Largest number of points sharing one interaction list. Walks cost more than evaluating longer
    /// lists: at 10,000 points 128 took 1.0 s of repulsion over a whole run, 64 took 1.3 s and 32 took 1.7 s.
    /// </summary>
    public const int GroupSize = 128;

    private const int Levels = 32;

    /// <summary>
    /// What a walk reads, together in one 32-byte record per cell. Skip is the index of the first
    /// cell after this one's subtree (this + 1 for a leaf).
    /// </summary>
    private struct Cell
    {
        public double ComX, ComY, Width2;
        public int Count, Skip;
    }

    private Cell[] _node = [];
    private int[] _first = [];
    private int _cells;
    private readonly double[] _width2 = new double[Levels + 1];
    private ulong[] _code = [], _codeScratch = [];
    private int[] _order = [], _orderScratch = [];
    private double[] _x = [], _y = [];
    /// <summary>Per pair of neighbours in sorted order: how many levels their codes share (32 for equal codes).</summary>
    private byte[] _prefix = [];
    private int[] _groups = [];
    private readonly int[] _histogram = new int[8 * 256];

    public int GroupCount { get; private set; }

    /// <summary>Rebuilds the tree over the points (y[2i], y[2i + 1]).</summary>
    public void Build(ReadOnlySpan<double> y)
    {
        int n = y.Length / 2;
        Reserve(n);
        _cells = 0;
        GroupCount = 0;
        if (n == 0) return;
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        // A small margin keeps every point strictly inside the root.
        double mx = Math.Max(1e-3 * (maxX - minX), 1e-12), my = Math.Max(1e-3 * (maxY - minY), 1e-12);
        double x0 = minX - mx, y0 = minY - my, width = maxX - minX + 2 * mx, height = maxY - minY + 2 * my;
        double widest = Math.Max(width, height);
        for (int level = 0; level <= Levels; level++)
        {
            double w = Math.ScaleB(widest, -level);
            _width2[level] = w * w;
        }
        double scaleX = Math.ScaleB(1.0, Levels) / width, scaleY = Math.ScaleB(1.0, Levels) / height;
        for (int i = 0; i < n; i++)
        {
            _code[i] = Interleave(Quantise((y[2 * i] - x0) * scaleX), Quantise((y[2 * i + 1] - y0) * scaleY));
            _order[i] = i;
        }
        SortByCode(n);
        for (int s = 0; s < n; s++)
        {
            _x[s] = y[2 * _order[s]];
            _y[s] = y[2 * _order[s] + 1];
        }
        for (int s = 0; s + 1 < n; s++) _prefix[s] = (byte)(BitOperations.LeadingZeroCount(_code[s] ^ _code[s + 1]) / 2);
        BuildCell(0, n, out _, out _);
        FindGroups();
    }

    /// <summary>The indices of the points in group <paramref name="group"/>, in Morton order.</summary>
    public ReadOnlySpan<int> GroupPoints(int group)
    {
        int c = _groups[group];
        return _order.AsSpan(_first[c], _node[c].Count);
    }

    /// <summary>
    /// Fills <paramref name="list"/> with what the points of <paramref name="group"/> feel: a cell is
    /// taken whole when it is a leaf, or when its squared largest width is below θ² times the squared
    /// distance from its centre of mass to the group's bounding box (so below θ² times that to every
    /// point of the group, a criterion at least as strict as per-point Barnes-Hut); otherwise it is opened.
    /// </summary>
    public void Interactions(int group, double theta, InteractionList list)
    {
        int c = _groups[group], first = _first[c], end = first + _node[c].Count;
        double bx0 = double.PositiveInfinity, by0 = double.PositiveInfinity, bx1 = double.NegativeInfinity, by1 = double.NegativeInfinity;
        for (int s = first; s < end; s++)
        {
            bx0 = Math.Min(bx0, _x[s]); bx1 = Math.Max(bx1, _x[s]);
            by0 = Math.Min(by0, _y[s]); by1 = Math.Max(by1, _y[s]);
        }
        double theta2 = theta * theta;
        var node = _node;
        int cells = _cells;
        list.Reset(cells);
        double[] xs = list.X, ys = list.Y, counts = list.Counts;
        int length = 0, k = 0;
        while (k < cells)
        {
            ref readonly var cell = ref node[k];
            double dx = Math.Max(Math.Max(bx0 - cell.ComX, cell.ComX - bx1), 0);
            double dy = Math.Max(Math.Max(by0 - cell.ComY, cell.ComY - by1), 0);
            if (cell.Skip == k + 1 || cell.Width2 < theta2 * (dx * dx + dy * dy))
            {
                xs[length] = cell.ComX;
                ys[length] = cell.ComY;
                counts[length] = cell.Count;
                length++;
                k = cell.Skip;
            }
            else k++;
        }
        list.Length = length;
    }

    /// <summary>
    /// Builds the cell over sorted points [lo, hi) and its subtree; returns the sums of their
    /// coordinates. The cell is the smallest one holding all of them (their codes' common prefix):
    /// a chain of cells with one child each would have one centre of mass and count, and the
    /// smallest box is the one the opening test should see.
    /// </summary>
    private void BuildCell(int lo, int hi, out double sumX, out double sumY)
    {
        int c = NewCell(lo);
        sumX = 0;
        sumY = 0;
        double comX, comY;
        ulong differ = _code[lo] ^ _code[hi - 1];
        int level = BitOperations.LeadingZeroCount(differ) / 2;
        if (differ == 0)
        {
            bool together = true;
            for (int s = lo; s < hi; s++)
            {
                sumX += _x[s];
                sumY += _y[s];
                together &= _x[s] == _x[lo] && _y[s] == _y[lo];
            }
            // Points at exactly one place keep that place, so a walk can recognise a point's own leaf (distance 0).
            comX = together ? _x[lo] : sumX / (hi - lo);
            comY = together ? _y[lo] : sumY / (hi - lo);
        }
        else
        {
            // The children start where the codes' common prefix is exactly this cell's.
            var splits = _prefix.AsSpan(lo, hi - 1 - lo);
            int start = lo;
            while (start < hi)
            {
                int at = splits[(start - lo)..].IndexOf((byte)level);
                int end = at < 0 ? hi : start + at + 1;
                if (end - start == 1)
                {
                    // A lone point (most cells) is written here rather than in a call of its own.
                    int leaf = NewCell(start);
                    _node[leaf] = new Cell { ComX = _x[start], ComY = _y[start], Width2 = _width2[Levels], Count = 1, Skip = leaf + 1 };
                    sumX += _x[start];
                    sumY += _y[start];
                }
                else
                {
                    BuildCell(start, end, out double childX, out double childY);
                    sumX += childX;
                    sumY += childY;
                }
                start = end;
            }
            comX = sumX / (hi - lo);
            comY = sumY / (hi - lo);
        }
        _node[c] = new Cell { ComX = comX, ComY = comY, Width2 = _width2[level], Count = hi - lo, Skip = _cells };
    }

    /// <summary>Appends a cell whose points start at sorted position <paramref name="first"/>; the caller fills in its record.</summary>
    private int NewCell(int first)
    {
        if (_cells == _node.Length)
        {
            Array.Resize(ref _node, 2 * _node.Length);
            Array.Resize(ref _first, 2 * _first.Length);
        }
        _first[_cells] = first;
        return _cells++;
    }

    /// <summary>
    /// Groups are the largest cells with at most <see cref="GroupSize"/> points, and leaves of more
    /// (points at one place), in depth-first (Morton) order; every point is in exactly one.
    /// </summary>
    private void FindGroups()
    {
        int count = 0, k = 0;
        while (k < _cells)
        {
            if (_node[k].Count <= GroupSize || _node[k].Skip == k + 1)
            {
                _groups[count++] = k;
                k = _node[k].Skip;
            }
            else k++;
        }
        GroupCount = count;
    }

    /// <summary>Stable least-significant-digit radix sort of (code, point) by code, one byte per pass.</summary>
    private void SortByCode(int n)
    {
        var histogram = _histogram;
        Array.Clear(histogram);
        for (int i = 0; i < n; i++)
        {
            ulong code = _code[i];
            for (int b = 0; b < 8; b++) histogram[256 * b + (int)((code >> (8 * b)) & 0xFF)]++;
        }
        for (int b = 0; b < 8; b++)
        {
            var counts = histogram.AsSpan(256 * b, 256);
            // A byte that all codes share (the high bytes of a tightly packed map) leaves the order as it is.
            if (counts[(int)((_code[0] >> (8 * b)) & 0xFF)] == n) continue;
            int offset = 0;
            for (int d = 0; d < 256; d++)
            {
                int size = counts[d];
                counts[d] = offset;
                offset += size;
            }
            for (int i = 0; i < n; i++)
            {
                ulong code = _code[i];
                int at = counts[(int)((code >> (8 * b)) & 0xFF)]++;
                _codeScratch[at] = code;
                _orderScratch[at] = _order[i];
            }
            (_code, _codeScratch) = (_codeScratch, _code);
            (_order, _orderScratch) = (_orderScratch, _order);
        }
    }

    private static uint Quantise(double scaled) => (uint)Math.Clamp(scaled, 0, uint.MaxValue);

    /// <summary>The Morton code: bits of y and x alternate, y first, so the two bits at each level name the quadrant (x → 1, y → 2).</summary>
    private static ulong Interleave(uint x, uint y) => Spread(x) | (Spread(y) << 1);

    /// <summary>Moves bit k of <paramref name="v"/> to bit 2k.</summary>
    private static ulong Spread(uint v)
    {
        ulong x = v;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return x;
    }

    private void Reserve(int n)
    {
        if (_code.Length >= n) return;
        _code = new ulong[n];
        _codeScratch = new ulong[n];
        _order = new int[n];
        _orderScratch = new int[n];
        _x = new double[n];
        _y = new double[n];
        _prefix = new byte[n];
        _groups = new int[n];
        _node = new Cell[2 * n + 1];
        _first = new int[2 * n + 1];
    }
}
