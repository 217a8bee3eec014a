namespace Bottleneck.Tensors;

/// <summary>
/// numpy's legacy <c>RandomState</c> (MT19937): the same seed gives the same stream as
/// numpy, so <c>Permutation</c> reproduces <c>np.random.RandomState(seed).permutation(n)</c>
/// and with it scikit-learn's <c>train_test_split(random_state=seed)</c>. Every random
/// decision in Bottleneck (splits, shuffles, initial weights) draws from one of these.
/// </summary>
public sealed class RandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>A stream seeded by <paramref name="seed"/>.</summary>
    public RandomState(uint seed) => Reseed(seed);

    /// <summary>init_genrand: numpy's legacy seeding for an integer seed.</summary>
    public void Reseed(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
            _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
        _hasGauss = false;
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
            uint next = _mt[(i + M) % N] ^ (y >> 1);
            _mt[i] = (y & 1) != 0 ? next ^ 0x9908b0dfu : next;
        }
        _index = 0;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits, as numpy's <c>random_sample</c>.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>A draw from U[<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal by the polar method, as numpy's legacy <c>standard_normal</c>.</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>Uniform integer in [0, max] by masked rejection, as numpy's <c>random_interval</c>.</summary>
    public int Interval(int max)
    {
        if (max == 0) return 0;
        uint mask = (uint)max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > (uint)max) { }
        return (int)value;
    }

    /// <summary>Fisher–Yates from the end, exactly as numpy's legacy <c>shuffle</c>.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i >= 1; i--)
        {
            int j = Interval(i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// A seed for an independent stream (a trial, a fold), computed from the study seed and the
    /// stream's identity alone, so a result never depends on which worker ran it or when.
    /// </summary>
    public static uint Derive(uint seed, string identity)
    {
        // FNV-1a over the identity, mixed with the seed by splitmix64's finaliser.
        ulong h = 14695981039346656037ul;
        foreach (char c in identity) h = (h ^ c) * 1099511628211ul;
        ulong z = h ^ (seed * 0x9E3779B97F4A7C15ul);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return (uint)(z ^ (z >> 31));
    }

    /// <summary>A random permutation of 0…<paramref name="n"/>−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle(p);
        return p;
    }

    /// <summary>Makes <paramref name="target"/> continue exactly as this stream would (no allocation).</summary>
    public void CopyTo(RandomState target)
    {
        _mt.CopyTo(target._mt, 0);
        (target._index, target._hasGauss, target._gauss) = (_index, _hasGauss, _gauss);
    }

    /// <summary>The whole state, as numpy's <c>get_state()</c> gives it: the 624 key words, the position, and the cached Gaussian.</summary>
    public RandomStateData GetState() => new([.. _mt], _index, _hasGauss, _gauss);

    /// <summary>Continues from a state <see cref="GetState"/> gave; an <see cref="ArgumentException"/> for one that no stream can be in.</summary>
    public void SetState(RandomStateData state)
    {
        if (state.Key is not { Length: N }) throw new ArgumentException($"a random state has {N} key words, this one {state.Key?.Length ?? 0}");
        if (state.Pos is < 0 or > N) throw new ArgumentException($"a random state's position lies in [0, {N}], this one is {state.Pos}");
        state.Key.CopyTo(_mt, 0);
        (_index, _hasGauss, _gauss) = (state.Pos, state.HasGauss, state.CachedGaussian);
    }
}

/// <summary>A <see cref="RandomState"/>'s state under numpy's names (<c>('MT19937', key, pos, has_gauss, cached_gaussian)</c>).</summary>
public sealed record RandomStateData(uint[] Key, int Pos, bool HasGauss, double CachedGaussian);
