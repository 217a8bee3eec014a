namespace Bottleneck.Runs;

/// <summary>What a pipeline phase does, in the order a study usually runs them.</summary>
public enum PhaseKind
{
    /// <summary>A search with k-fold cross-validation (<c>bottleneck tune</c>).</summary>
    Tune,
    /// <summary>One setting over a list of values on the full training set (<c>bottleneck sweep</c>).</summary>
    Sweep,
    /// <summary>The final model (<c>bottleneck train</c>).</summary>
    Train,
    /// <summary>Noise and occlusion curves of a train phase's model (<c>bottleneck robustness</c>).</summary>
    Robustness,
    /// <summary>A 2-D map of a train phase's code space (<c>bottleneck embed</c>).</summary>
    Embed,
    /// <summary>The codes of a train phase's model for its test images (<c>bottleneck encode</c>).</summary>
    Encode,
    /// <summary>Samples, interpolations and the manifold grid of a train phase's variational model (<c>bottleneck generate</c>).</summary>
    Generate,
    /// <summary>The one-class protocol, training its own model per normal class (<c>bottleneck anomaly</c>).</summary>
    Anomaly,
}

/// <summary>Names of <see cref="PhaseKind"/> values, as pipeline files and results write them.</summary>
public static class PhaseKinds
{
    /// <summary>Every kind, in declaration order.</summary>
    public static IReadOnlyList<PhaseKind> All { get; } = Enum.GetValues<PhaseKind>();

    /// <summary>The kind's name in pipeline files.</summary>
    public static string Name(this PhaseKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static PhaseKind? Find(string name) => All.Cast<PhaseKind?>().FirstOrDefault(k => k!.Value.Name() == name);

    /// <summary>The kinds that study the model of an earlier train phase.</summary>
    public static bool StudiesModel(this PhaseKind kind) => kind is PhaseKind.Robustness or PhaseKind.Embed or PhaseKind.Encode or PhaseKind.Generate;
}
