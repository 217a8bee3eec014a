using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Bottleneck.Reports;

/// <summary>What makes a run directory self-describing: the command that made it and the software and machine it ran on.</summary>
public sealed record Provenance
{
    public static string Version => LibraryVersion.Current;

    /// <summary>The provenance of a run started now on this machine.</summary>
    public Provenance(string command, DateTimeOffset started, int threads)
    {
        Command = command;
        Started = started.ToString("o", CultureInfo.InvariantCulture);
        BottleneckVersion = Version;
        Runtime = RuntimeInformation.FrameworkDescription;
        Os = RuntimeInformation.OSDescription;
        CpuCount = Environment.ProcessorCount;
        Threads = threads;
        Simd = Tensors.Gemm.DefaultPath.ToString();
    }

    // For reading a results file: what it does not say stays empty.
    [JsonConstructor]
    private Provenance() { }

    [JsonPropertyOrder(0)] public string Command { get; init; } = "";
    /// <summary>ISO 8601, with the offset.</summary>
    [JsonPropertyOrder(1)] public string Started { get; init; } = "";
    [JsonPropertyOrder(2)] public string BottleneckVersion { get; init; } = "";
    [JsonPropertyOrder(3)] public string Runtime { get; init; } = "";
    [JsonPropertyOrder(4)] public string Os { get; init; } = "";
    [JsonPropertyOrder(5)] public int CpuCount { get; init; }
    [JsonPropertyOrder(6)] public int Threads { get; init; }
    [JsonPropertyOrder(7)] public string Simd { get; init; } = "";

    /// <summary>The later invocations that continued the run (resumes, other workers), in order; absent for a run done in one go.</summary>
    [JsonPropertyOrder(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Invocation>? Continued { get; init; }

    /// <summary>This provenance as one invocation of a run.</summary>
    public Invocation AsInvocation() => new(Command, Started, Threads);

    /// <summary>Every invocation of the run, the one that started it first: what <see cref="Of"/> makes a provenance from again.</summary>
    public IReadOnlyList<Invocation> Invocations() => [AsInvocation(), .. Continued ?? []];

    /// <summary>
    /// The provenance of a run that <paramref name="invocations"/> made, the first having started it: its command and start,
    /// with the others as <see cref="Continued"/>. This process's own is <paramref name="current"/>.
    /// </summary>
    public static Provenance Of(IReadOnlyList<Invocation> invocations, Provenance current)
    {
        if (invocations.Count <= 1) return current;
        var first = invocations[0];
        return current with { Command = first.Command, Started = first.Started, Threads = first.Threads, Continued = [.. invocations.Skip(1)] };
    }
}
