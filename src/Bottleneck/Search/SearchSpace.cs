using System.Globalization;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Training;

namespace Bottleneck.Search;

/// <summary>
/// The trials of a study, from a grid (<c>lr=5e-2,1e-2;weight-decay=5e-4,1e-4</c>: every
/// combination, the first setting varying slowest) or from random draws
/// (<c>lr=loguniform(1e-4,5e-2);optimizer=choice(adam,rmsprop)</c>, with uniform(a,b),
/// loguniform(a,b), int(a,b) and choice(…)) over the training settings in <see cref="Settings"/>.
/// </summary>
public static class SearchSpace
{
    /// <summary>The settings a search space may vary.</summary>
    public static IReadOnlyList<string> Settings { get; } = ["lr", "weight-decay", "optimizer", "batch-size", "code-size", "epochs", "model", "denoise", "code-l1"];

    /// <summary>Every combination of the values in <paramref name="spec"/> (<c>lr=1e-3,1e-2;batch-size=64,256</c>), in declaration order.</summary>
    public static IReadOnlyList<TrialParams> Grid(string spec)
    {
        var axes = Parse(spec).Select(p => (p.Name, Values: Values(p.Name, p.Body))).ToList();
        IEnumerable<List<KeyValuePair<string, string>>> combos = [[]];
        foreach (var (name, values) in axes)
            combos = combos.SelectMany(c => values.Select(v => new List<KeyValuePair<string, string>>(c) { KeyValuePair.Create(name, v) }));
        return [.. combos.Select(c => new TrialParams(c))];
    }

    /// <summary><paramref name="trials"/> points drawn from the distributions in <paramref name="spec"/>, seeded by <paramref name="seed"/>.</summary>
    public static IReadOnlyList<TrialParams> Random(string spec, int trials, uint seed)
    {
        Require.AtLeast(trials, 1, "trials");
        var axes = Parse(spec).Select(p => (p.Name, Draw: Distribution(p.Name, p.Body))).ToList();
        var rng = new RandomState(seed);
        var result = new List<TrialParams>();
        var seen = new HashSet<string>();
        for (int attempt = 0; result.Count < trials && attempt < trials * 100; attempt++)
        {
            var trial = new TrialParams([.. axes.Select(a => KeyValuePair.Create(a.Name, a.Draw(rng)))]);
            if (seen.Add(trial.Key)) result.Add(trial);
        }
        return result;
    }

    private static List<(string Name, string Body)> Parse(string spec)
    {
        var parts = spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("the search space is empty (e.g. \"lr=1e-2,1e-3;weight-decay=1e-5,1e-6\")");
        var parsed = new List<(string, string)>();
        foreach (var part in parts)
        {
            int eq = part.IndexOf('=');
            if (eq < 1) throw new ArgumentException($"'{part}' is not SETTING=VALUES");
            string name = part[..eq].Trim().ToLowerInvariant();
            if (!Settings.Contains(name)) throw new ArgumentException($"'{name}' cannot be searched (expected one of {string.Join(", ", Settings)})");
            if (parsed.Any(p => p.Item1 == name)) throw new ArgumentException($"'{name}' appears twice in the search space");
            parsed.Add((name, part[(eq + 1)..].Trim()));
        }
        return parsed;
    }

    private static List<string> Values(string name, string body)
    {
        var values = body.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => Canonical(name, v)).ToList();
        if (values.Count == 0) throw new ArgumentException($"{name} has no values");
        if (values.Distinct().Count() != values.Count) throw new ArgumentException($"{name} lists a value twice");
        return values;
    }

    private static Func<RandomState, string> Distribution(string name, string body)
    {
        int open = body.IndexOf('(');
        if (open < 0 || !body.EndsWith(')')) return Choice(name, Values(name, body));
        string kind = body[..open].Trim().ToLowerInvariant();
        var args = body[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (kind == "choice") return Choice(name, Values(name, string.Join(',', args)));
        if (args.Length != 2) throw new ArgumentException($"{name}: {kind} takes two bounds, e.g. {kind}(1e-4,1e-2)");
        double lo = Number(name, args[0]), hi = Number(name, args[1]);
        if (!(lo < hi)) throw new ArgumentException($"{name}: the lower bound {args[0]} must be below the upper bound {args[1]}");
        return kind switch
        {
            "uniform" => rng => Canonical(name, SixDigits(rng.Uniform(lo, hi))),
            "loguniform" when lo > 0 => rng => Canonical(name, SixDigits(Math.Exp(rng.Uniform(Math.Log(lo), Math.Log(hi))))),
            "loguniform" => throw new ArgumentException($"{name}: loguniform needs positive bounds"),
            "int" => rng => Canonical(name, ((long)lo + rng.Interval((int)(hi - lo))).ToString(CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException($"{name}: unknown distribution '{kind}' (expected uniform, loguniform, int or choice)"),
        };
    }

    private static Func<RandomState, string> Choice(string name, List<string> values) => rng => values[rng.Interval(values.Count - 1)];

    // Random draws keep six significant digits: enough to tell trials apart, short enough to read.
    private static string SixDigits(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    // Validates a value for its setting and writes it one way, so equal values give equal trial keys.
    private static string Canonical(string name, string value)
    {
        switch (name)
        {
            case "lr":
                double lr = Number(name, value);
                return lr > 0 ? TrialParams.Format(lr) : throw new ArgumentException($"lr must be positive, got {value}");
            case "weight-decay":
                double wd = Number(name, value);
                return wd >= 0 ? TrialParams.Format(wd) : throw new ArgumentException($"weight-decay must be ≥ 0, got {value}");
            case "code-l1":
                double l1 = Number(name, value);
                return l1 >= 0 ? TrialParams.Format(l1) : throw new ArgumentException($"code-l1 must be ≥ 0, got {value}");
            case "denoise":
                try
                {
                    return Denoising.Parse(value)?.ToString() ?? "none";
                }
                catch (SettingException e)
                {
                    throw new ArgumentException(e.Message);
                }
            case "batch-size" or "code-size" or "epochs":
                double whole = Number(name, value);
                return whole >= 1 && whole == Math.Floor(whole) && whole <= int.MaxValue
                    ? ((int)whole).ToString(CultureInfo.InvariantCulture) : throw new ArgumentException($"{name} must be a whole number ≥ 1, got {value}");
            case "optimizer":
                string optimizer = value.ToLowerInvariant();
                return OptimizerSettings.Names.Contains(optimizer) ? optimizer
                    : throw new ArgumentException($"unknown optimizer '{value}' (expected one of {string.Join(", ", OptimizerSettings.Names)})");
            default:
                return value;
        }
    }

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new ArgumentException($"{name}: '{text}' is not a number");
}
