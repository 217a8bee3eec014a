namespace Bottleneck.Analysis;

/// <summary>
/// A quadtree over 2-D points for Barnes-Hut t-SNE. Each cell keeps its bounds, the number of
/// points below it and their centre of mass; a leaf holds one point (or several at exactly the
/// same place). Built afresh each iteration into reused arrays.
/// </summary>
public sealed class QuadTree
{
    private const int NoChild = -1;
    private const int MaxDepth = 64;

    /// <summary>What the traversal reads, together in one 32-byte record per cell.</summary>
    private struct Cell
    {
        public double ComX, ComY, Width2;
        public int Count, FirstChild;
    }

    private Cell[] _node = [];
    private double[] _minX = [], _minY = [], _maxX = [], _maxY = [];
    private int[] _depth = [];
    private int _cells;

    /// <summary>Room for the traversal's explicit stack: at most three siblings left per level plus the root.</summary>
    public const int StackSize = 3 * (MaxDepth + 1) + 4;

    public int CellCount => _cells;

    /// <summary>Rebuilds the tree over the points (y[2i], y[2i + 1]).</summary>
    public void Build(ReadOnlySpan<double> y)
    {
        int n = y.Length / 2;
        Reserve(Math.Max(16, 4 * n + 1));
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        // A small margin keeps every point strictly inside the root.
        double mx = Math.Max(1e-3 * (maxX - minX), 1e-12), my = Math.Max(1e-3 * (maxY - minY), 1e-12);
        _cells = 0;
        NewCell(minX - mx, minY - my, maxX + mx, maxY + my, 0);
        for (int i = 0; i < n; i++) Insert(y[2 * i], y[2 * i + 1]);
    }

    /// <summary>
    /// The repulsion on (px, py): Σ over summarised cells of size·q and size·q²·(p − com), with
    /// q = 1 / (1 + ‖p − com‖²). A cell is summarised when it is a leaf or when its squared largest
    /// width over the squared distance is below θ². The point's own leaf is skipped (no self-interaction).
    /// Returns (Σ size·q, force x, force y).
    /// </summary>
    public (double SumQ, double Fx, double Fy) Repulsion(double px, double py, double theta, Span<int> stack)
    {
        double sumQ = 0, fx = 0, fy = 0, theta2 = theta * theta;
        var node = _node;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref readonly var cell = ref node[stack[--top]];
            int count = cell.Count;
            if (count == 0) continue;
            double dx = px - cell.ComX, dy = py - cell.ComY;
            double d2 = dx * dx + dy * dy;
            bool leaf = cell.FirstChild == NoChild;
            if (leaf && d2 == 0) continue; // the point itself (and any exact duplicates): no self-interaction
            if (leaf || cell.Width2 < theta2 * d2)
            {
                double q = 1 / (1 + d2);
                sumQ += count * q;
                double m = count * q * q;
                fx += m * dx;
                fy += m * dy;
            }
            else
            {
                int first = cell.FirstChild;
                stack[top++] = first + 3;
                stack[top++] = first + 2;
                stack[top++] = first + 1;
                stack[top++] = first;
            }
        }
        return (sumQ, fx, fy);
    }

    private void Insert(double x, double y)
    {
        int c = 0;
        while (true)
        {
            int count = _node[c].Count;
            if (_node[c].FirstChild == NoChild)
            {
                // A leaf's points all sit at its centre of mass (duplicates share a leaf), unless it is too deep to split.
                bool shared = count > 0 && ((_node[c].ComX == x && _node[c].ComY == y) || _depth[c] >= MaxDepth);
                if (count == 0 || shared)
                {
                    Add(c, x, y);
                    return;
                }
                double ox = _node[c].ComX, oy = _node[c].ComY;
                Split(c);
                int child = ChildFor(c, ox, oy);
                _node[child].Count = count;
                _node[child].ComX = ox;
                _node[child].ComY = oy;
            }
            Add(c, x, y);
            c = ChildFor(c, x, y);
        }
    }

    private void Add(int c, double x, double y)
    {
        ref var cell = ref _node[c];
        int count = cell.Count;
        cell.ComX = (cell.ComX * count + x) / (count + 1);
        cell.ComY = (cell.ComY * count + y) / (count + 1);
        cell.Count = count + 1;
    }

    private void Split(int c)
    {
        double midX = (_minX[c] + _maxX[c]) / 2, midY = (_minY[c] + _maxY[c]) / 2;
        int first = _cells;
        int depth = _depth[c] + 1;
        NewCell(_minX[c], _minY[c], midX, midY, depth);
        NewCell(midX, _minY[c], _maxX[c], midY, depth);
        NewCell(_minX[c], midY, midX, _maxY[c], depth);
        NewCell(midX, midY, _maxX[c], _maxY[c], depth);
        _node[c].FirstChild = first;
    }

    private int ChildFor(int c, double x, double y)
    {
        double midX = (_minX[c] + _maxX[c]) / 2, midY = (_minY[c] + _maxY[c]) / 2;
        return _node[c].FirstChild + (x >= midX ? 1 : 0) + (y >= midY ? 2 : 0);
    }

    private void NewCell(double minX, double minY, double maxX, double maxY, int depth)
    {
        if (_cells == _node.Length) Reserve(_node.Length * 2);
        int c = _cells++;
        _minX[c] = minX; _minY[c] = minY; _maxX[c] = maxX; _maxY[c] = maxY; _depth[c] = depth;
        double wx = maxX - minX, wy = maxY - minY;
        _node[c] = new Cell { Width2 = Math.Max(wx * wx, wy * wy), FirstChild = NoChild };
    }

    private void Reserve(int size)
    {
        if (_node.Length >= size) return;
        Array.Resize(ref _node, size);
        Array.Resize(ref _minX, size); Array.Resize(ref _minY, size);
        Array.Resize(ref _maxX, size); Array.Resize(ref _maxY, size);
        Array.Resize(ref _depth, size);
    }
}
