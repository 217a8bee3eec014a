using Bottleneck.Tensors;

namespace Bottleneck.Analysis;

/// <summary>
/// t-SNE (van der Maaten &amp; Hinton 2008) to two dimensions, following scikit-learn 1.2's
/// <c>TSNE</c> step for step: affinities P by perplexity calibration (<see cref="Affinities"/>);
/// a Student-t (one degree of freedom) kernel in the map, q_ij = w_ij / Σ w with
/// w_ij = 1 / (1 + ‖y_i − y_j‖²); gradient ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j).
/// Optimisation: P × early exaggeration for 250 iterations at momentum 0.5, then P at momentum 0.8
/// up to the iteration limit; per-coordinate gains (+0.2 when the gradient changes sign against
/// the update, ×0.8 otherwise, at least 0.01); update ← momentum·update − lr·gains·grad. Every 50
/// iterations the KL divergence is checked; 300 iterations without improvement stop a stage.
/// The sparse methods replace P by its nearest-neighbour form and the repulsion by an approximation: a quadtree walk
/// with opening angle θ (Barnes-Hut, as scikit-learn) or FIt-SNE's interpolation on a grid convolved by FFT. Deterministic for a given seed, on any number of threads.
/// </summary>
public static class Tsne
{
    private const double MinGain = 0.01;
    private const double Float32Tiny = 1.1754943508222875e-38;

    /// <summary>When set (by the bench), Fit adds the seconds spent in each stage to it. Not for concurrent fits.</summary>
    internal static TsneProfile? Profile { get; set; }

    /// <summary>Embeds the rows of <paramref name="x"/> [n, d] in two dimensions.</summary>
    /// <param name="progress">Called after each iteration with its index (0-based).</param>
    /// <param name="x">The points [n, d].</param>
    /// <param name="settings">Perplexity, iterations, method and seed.</param>
    /// <param name="cancel">Stops between iterations (an <see cref="OperationCanceledException"/>).</param>
    public static TsneResult Fit(Tensor x, TsneSettings settings, Action<int>? progress = null, CancellationToken cancel = default)
    {
        int n = x.Rows;
        settings.Validate(n);
        var method = settings.MethodFor(n);
        double learningRate = settings.LearningRateFor(n);
        var y = Initialise(x, settings);

        using var pool = new WorkerPool(settings.Threads);
        var profile = Profile;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        Objective objective;
        if (method == TsneMethod.Exact)
        {
            var p = Affinities.Exact(x, settings.Perplexity, pool);
            objective = new ExactObjective(p, n, pool);
        }
        else
        {
            var p = Affinities.Sparse(x, settings.Perplexity, pool);
            Repulsion repulsion = method == TsneMethod.Fft ? new InterpolatedRepulsion(n, pool) : new BarnesHutRepulsion(settings.Theta, pool);
            objective = new SparseObjective(p, n, repulsion, pool);
        }
        if (profile is not null) profile.Affinities += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        objective.Profile = profile;

        var history = new List<(int, double)>();
        objective.Exaggeration = settings.EarlyExaggeration;
        var (_, last) = Descend(objective, y, 0, TsneSettings.ExplorationIterations, 0.5, learningRate,
            TsneSettings.ExplorationIterations, settings.MinGradNorm, history, progress, cancel);
        objective.Exaggeration = 1;
        double kl = double.NaN;
        if (last < TsneSettings.ExplorationIterations - 1 || settings.Iterations > TsneSettings.ExplorationIterations)
            (kl, last) = Descend(objective, y, last + 1, settings.Iterations, 0.8, learningRate,
                settings.IterationsWithoutProgress, settings.MinGradNorm, history, progress, cancel);

        var embedding = new double[n, 2];
        for (int i = 0; i < n; i++)
        {
            embedding[i, 0] = y[2 * i];
            embedding[i, 1] = y[2 * i + 1];
        }
        return new TsneResult(embedding, kl, history, last, method, learningRate);
    }

    /// <summary>PCA: the first two components scaled so that the first has (population) std 1e-4; or 1e-4·N(0, 1).</summary>
    private static double[] Initialise(Tensor x, TsneSettings settings)
    {
        int n = x.Rows;
        var y = new double[2 * n];
        if (settings.Init == TsneInit.Random || x.RowSize < 2)
        {
            var random = new RandomState(settings.Seed);
            for (int i = 0; i < y.Length; i++) y[i] = 1e-4 * random.NextGaussian();
            return y;
        }
        var scores = Pca.FitTransform(x, 2);
        double mean = 0, variance = 0;
        for (int i = 0; i < n; i++) mean += scores[i, 0];
        mean /= n;
        for (int i = 0; i < n; i++) variance += (scores[i, 0] - mean) * (scores[i, 0] - mean);
        double std = Math.Sqrt(variance / n);
        double scale = std > 0 ? 1e-4 / std : 1;
        for (int i = 0; i < n; i++)
        {
            y[2 * i] = scores[i, 0] * scale;
            y[2 * i + 1] = scores[i, 1] * scale;
        }
        return y;
    }

    /// <summary>scikit-learn's <c>_gradient_descent</c> for iterations [start, end). Returns the last KL and iteration.</summary>
    private static (double Kl, int Last) Descend(Objective objective, double[] y, int start, int end, double momentum,
        double learningRate, int withoutProgress, double minGradNorm, List<(int, double)> history, Action<int>? progress, CancellationToken cancel)
    {
        var update = new double[y.Length];
        var gains = new double[y.Length];
        Array.Fill(gains, 1.0);
        var grad = new double[y.Length];
        double error = double.MaxValue, bestError = double.MaxValue;
        int bestIteration = start, i = start;
        for (; i < end; i++)
        {
            cancel.ThrowIfCancellationRequested();
            bool check = (i + 1) % TsneSettings.CheckEvery == 0;
            error = objective.Gradient(y, grad, check || i == end - 1);
            long updateStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            double norm = 0;
            for (int e = 0; e < y.Length; e++)
            {
                bool increase = update[e] * grad[e] < 0;
                gains[e] = increase ? gains[e] + 0.2 : gains[e] * 0.8;
                if (gains[e] < MinGain) gains[e] = MinGain;
                double g = grad[e] * gains[e];
                norm += g * g;
                update[e] = momentum * update[e] - learningRate * g;
                y[e] += update[e];
            }
            if (objective.Profile is { } profile) profile.Update += System.Diagnostics.Stopwatch.GetElapsedTime(updateStarted).TotalSeconds;
            progress?.Invoke(i);
            if (check)
            {
                history.Add((i + 1, error));
                if (error < bestError)
                {
                    bestError = error;
                    bestIteration = i;
                }
                else if (i - bestIteration > withoutProgress) break;
                if (Math.Sqrt(norm) <= minGradNorm) break;
            }
        }
        return (error, Math.Min(i, end - 1));
    }

    /// <summary>KL(P ‖ Q) and its gradient for the map y [2n]; P is scaled by <see cref="Exaggeration"/>.</summary>
    internal abstract class Objective
    {
        public double Exaggeration { get; set; } = 1;

        public TsneProfile? Profile { get; set; }

        /// <summary>Writes ∂KL/∂y into <paramref name="grad"/>; returns KL when asked (else NaN).</summary>
        public abstract double Gradient(double[] y, double[] grad, bool computeError);
    }

    // Exact: Z = Σ_{i≠j} w_ij; q_ij = max(w_ij / Z, ε); KL = Σ_{i≠j} p_ij ln(p_ij / q_ij).
    // ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j) = 4 (A_i − B_i / Z), A_i = Σ_j p_ij w_ij (y_i − y_j) and
    // B_i = Σ_j w_ij² (y_i − y_j), so one pass over the pairs gives the gradient (q's clamp at ε would only
    // act on a pair with w_ij < ε·Z, millions of units apart, and is left out of it). Z is the sum of the
    // rows' Σ_j w_ij in index order, so no result depends on the threads.
    internal sealed class ExactObjective(double[] p, int n, WorkerPool pool) : Objective
    {
        private readonly double[] _xs = new double[n], _ys = new double[n], _rowW = new double[n];
        private readonly double[] _attractive = new double[2 * n], _negative = new double[2 * n];
        private readonly double[] _partialKl = new double[Chunks.Into(n).Count];

        public override double Gradient(double[] y, double[] grad, bool computeError)
        {
            for (int i = 0; i < n; i++)
            {
                _xs[i] = y[2 * i];
                _ys[i] = y[2 * i + 1];
            }
            pool.For(Chunks.Into(n), (_, start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var (w, ax, ay, bx, by) = ExactSums.Row(_xs, _ys, p.AsSpan(i * n, n), i);
                    _rowW[i] = w - 1;
                    _attractive[2 * i] = ax;
                    _attractive[2 * i + 1] = ay;
                    _negative[2 * i] = bx;
                    _negative[2 * i + 1] = by;
                }
            });
            double z = 0;
            foreach (double w in _rowW) z += w;
            double exaggeration = Exaggeration;
            for (int k = 0; k < grad.Length; k++) grad[k] = 4 * (exaggeration * _attractive[k] - _negative[k] / z);
            return computeError ? Kl(y, z, exaggeration) : double.NaN;
        }

        private double Kl(double[] y, double z, double exaggeration)
        {
            pool.For(Chunks.Into(n), (chunk, start, end) =>
            {
                double kl = 0;
                for (int i = start; i < end; i++)
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i) continue;
                        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                        double q = Math.Max(1 / (1 + dx * dx + dy * dy) / z, Affinities.MachineEpsilon);
                        double pij = p[i * n + j] * exaggeration;
                        kl += pij * Math.Log(Math.Max(pij, Affinities.MachineEpsilon) / q);
                    }
                _partialKl[chunk] = kl;
            });
            double total = 0;
            foreach (double kl in _partialKl) total += kl;
            return total;
        }
    }

    // Sparse: ∂KL/∂y_i = 4 (Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z), the attraction over P's rows and the
    // repulsion (and Z) approximated by a Repulsion; Z is the sum of the points' Σ_j w_ij in index order, so no result
    // depends on the threads.
    internal sealed class SparseObjective(SparseAffinities p, int n, Repulsion repulsion, WorkerPool pool) : Objective
    {
        private readonly double[] _attractive = new double[2 * n];
        private readonly double[] _negative = new double[2 * n];
        private readonly double[] _sumQ = new double[n];
        private readonly double[] _partialKl = new double[Chunks.Into(n).Count];

        public override double Gradient(double[] y, double[] grad, bool computeError)
        {
            repulsion.Profile = Profile;
            repulsion.Compute(y, _sumQ, _negative);
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            double exaggeration = Exaggeration;
            // In index order, so that P's rows stream from memory.
            pool.For(Chunks.Into(n), (_, start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    int row = p.RowStart[i], length = p.RowStart[i + 1] - row;
                    var (px, py) = Attraction.Row(y, i, p.Columns.AsSpan(row, length), p.Values.AsSpan(row, length), exaggeration);
                    _attractive[2 * i] = px;
                    _attractive[2 * i + 1] = py;
                }
            });
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            double z = 0;
            foreach (double q in _sumQ) z += q;
            for (int k = 0; k < grad.Length; k++) grad[k] = 4 * (_attractive[k] - _negative[k] / z);
            if (Profile is { } profile) profile.Attractive += System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            return computeError ? Kl(y, z, exaggeration) : double.NaN;
        }

        // KL = Σ_ij p_ij ln(p_ij / q_ij) over P's entries, both clamped at float32's tiniest normal as in scikit-learn.
        private double Kl(double[] y, double z, double exaggeration)
        {
            pool.For(Chunks.Into(n), (chunk, start, end) =>
            {
                double kl = 0;
                for (int i = start; i < end; i++)
                    for (int e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
                    {
                        int j = p.Columns[e];
                        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                        double w = 1 / (1 + dx * dx + dy * dy);
                        double pij = p.Values[e] * exaggeration;
                        kl += pij * Math.Log(Math.Max(pij, Float32Tiny) / Math.Max(w / z, Float32Tiny));
                    }
                _partialKl[chunk] = kl;
            });
            double total = 0;
            foreach (double kl in _partialKl) total += kl;
            return total;
        }
    }
}

/// <summary>
/// Seconds per stage of <see cref="Tsne.Fit"/> (the sparse methods' stages; the exact method adds to Affinities and Update
/// only). Barnes-Hut's tree builds are outside Repulsive; FIt-SNE's transforms (with the kernel's) are inside it.
/// </summary>
internal sealed class TsneProfile
{
    public double Affinities, TreeBuild, Repulsive, Fft, Attractive, Update;

    // Each method's own stages only: Barnes-Hut has no transforms, FIt-SNE and the exact method no trees.
    public override string ToString()
    {
        var stages = new List<string> { FormattableString.Invariant($"affinities+kNN {Affinities:0.000} s") };
        if (TreeBuild > 0) stages.Add(FormattableString.Invariant($"tree build {TreeBuild:0.000} s"));
        stages.Add(Fft > 0 ? FormattableString.Invariant($"repulsive {Repulsive:0.000} s (FFT {Fft:0.000} s)")
                           : FormattableString.Invariant($"repulsive {Repulsive:0.000} s"));
        stages.Add(FormattableString.Invariant($"attractive {Attractive:0.000} s"));
        stages.Add(FormattableString.Invariant($"update {Update:0.000} s"));
        return string.Join(", ", stages);
    }
}
