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

    private double[] _minX = [], _minY = [], _maxX = [], _maxY = [], _comX = [], _comY = [];
    private int[] _count = [], _firstChild = [], _depth = [];
    private int _cells;

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
    public (double SumQ, double Fx, double Fy) Repulsion(double px, double py, double theta, Stack<int> stack)
    {
        double sumQ = 0, fx = 0, fy = 0, theta2 = theta * theta;
        stack.Clear();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int c = stack.Pop();
            int count = _count[c];
            if (count == 0) continue;
            double dx = px - _comX[c], dy = py - _comY[c];
            double d2 = dx * dx + dy * dy;
            double wx = _maxX[c] - _minX[c], wy = _maxY[c] - _minY[c];
            double width2 = Math.Max(wx * wx, wy * wy);
            bool leaf = _firstChild[c] == NoChild;
            if (leaf && d2 == 0) continue; // the point itself (and any exact duplicates): no self-interaction
            if (leaf || width2 < theta2 * d2)
            {
                double q = 1 / (1 + d2);
                sumQ += count * q;
                double m = count * q * q;
                fx += m * dx;
                fy += m * dy;
            }
            else
            {
                for (int k = 3; k >= 0; k--) stack.Push(_firstChild[c] + k);
            }
        }
        return (sumQ, fx, fy);
    }

    private void Insert(double x, double y)
    {
        int c = 0;
        while (true)
        {
            int count = _count[c];
            if (_firstChild[c] == NoChild)
            {
                // A leaf's points all sit at its centre of mass (duplicates share a leaf), unless it is too deep to split.
                bool shared = count > 0 && ((_comX[c] == x && _comY[c] == y) || _depth[c] >= MaxDepth);
                if (count == 0 || shared)
                {
                    Add(c, x, y);
                    return;
                }
                double ox = _comX[c], oy = _comY[c];
                Split(c);
                int child = ChildFor(c, ox, oy);
                _count[child] = count;
                _comX[child] = ox;
                _comY[child] = oy;
            }
            Add(c, x, y);
            c = ChildFor(c, x, y);
        }
    }

    private void Add(int c, double x, double y)
    {
        int count = _count[c];
        _comX[c] = (_comX[c] * count + x) / (count + 1);
        _comY[c] = (_comY[c] * count + y) / (count + 1);
        _count[c] = count + 1;
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
        _firstChild[c] = first;
    }

    private int ChildFor(int c, double x, double y)
    {
        double midX = (_minX[c] + _maxX[c]) / 2, midY = (_minY[c] + _maxY[c]) / 2;
        return _firstChild[c] + (x >= midX ? 1 : 0) + (y >= midY ? 2 : 0);
    }

    private void NewCell(double minX, double minY, double maxX, double maxY, int depth)
    {
        if (_cells == _count.Length) Reserve(_count.Length * 2);
        int c = _cells++;
        _minX[c] = minX; _minY[c] = minY; _maxX[c] = maxX; _maxY[c] = maxY;
        _comX[c] = 0; _comY[c] = 0; _count[c] = 0; _firstChild[c] = NoChild; _depth[c] = depth;
    }

    private void Reserve(int size)
    {
        if (_count.Length >= size) return;
        Array.Resize(ref _minX, size); Array.Resize(ref _minY, size);
        Array.Resize(ref _maxX, size); Array.Resize(ref _maxY, size);
        Array.Resize(ref _comX, size); Array.Resize(ref _comY, size);
        Array.Resize(ref _count, size); Array.Resize(ref _firstChild, size); Array.Resize(ref _depth, size);
    }
}
