using System.Text.RegularExpressions;

namespace Bottleneck.Tests.Architecture;

/// <summary>
/// The library's parts and what each may use, read from the table in ARCHITECTURE.md (a row per part:
/// <c>| `Name` | holds | may use |</c>), so that the document and the test cannot disagree.
/// </summary>
public sealed partial class LayerRules
{
    public const string Root = "Bottleneck";

    private readonly Dictionary<string, HashSet<string>> _mayUse;

    private LayerRules(Dictionary<string, HashSet<string>> mayUse) => _mayUse = mayUse;

    public IReadOnlyCollection<string> Parts => _mayUse.Keys;

    public static LayerRules FromArchitectureDocument() => Parse(File.ReadAllText(Path.Combine(Repository.Root, "ARCHITECTURE.md")));

    public static LayerRules Parse(string markdown)
    {
        var parts = new Dictionary<string, HashSet<string>>();
        foreach (Match row in TableRow().Matches(markdown))
        {
            var uses = PartName().Matches(row.Groups["uses"].Value).Select(m => m.Groups[1].Value).ToHashSet();
            parts[row.Groups["part"].Value] = uses;
        }
        if (!parts.ContainsKey(Root)) throw new InvalidOperationException($"ARCHITECTURE.md has no row for the root part `{Root}`");
        return new LayerRules(parts);
    }

    /// <summary>The part a namespace belongs to: "Bottleneck" itself, or the first name after it.</summary>
    public static string PartOf(string ns) => ns == Root ? Root : ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns.Split('.')[1] : ns;

    /// <summary>Every reference between two parts of the library that the table does not allow, one line each.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<TypeReference> references)
    {
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in references)
        {
            if (r.ToAssembly is not null || !r.FromNamespace.StartsWith(Root, StringComparison.Ordinal)) continue;
            string from = PartOf(r.FromNamespace), to = PartOf(r.ToNamespace);
            if (!r.ToNamespace.StartsWith(Root, StringComparison.Ordinal) || from == to || to == Root) continue;
            if (!_mayUse.TryGetValue(from, out var allowed))
                problems.Add($"{r.FromType} is in {r.FromNamespace}, which is no part named in ARCHITECTURE.md");
            else if (!allowed.Contains(to))
                problems.Add($"{r.FromType} ({from}) uses {r.ToType} ({to}), but {from} may use only: {(allowed.Count == 0 ? "the root" : string.Join(", ", allowed.Order(StringComparer.Ordinal)))}");
        }
        return [.. problems];
    }

    [GeneratedRegex(@"^\|\s*`(?<part>[A-Za-z]+)`[^|]*\|[^|]*\|(?<uses>[^|]*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("`([A-Za-z]+)`")]
    private static partial Regex PartName();
}
