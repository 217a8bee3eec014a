using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Bottleneck.Reports;

/// <summary>What makes a run directory self-describing: the command that made it and the software and machine it ran on.</summary>
public sealed record Provenance
{
    internal static string Version => LibraryVersion.Current;

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
    internal Provenance() { }

    /// <summary>The command line that started the run.</summary>
    [JsonPropertyOrder(0)] public string Command { get; init; } = "";
    /// <summary>ISO 8601, with the offset.</summary>
    [JsonPropertyOrder(1)] public string Started { get; init; } = "";
    /// <summary>The Bottleneck version that ran it.</summary>
    [JsonPropertyOrder(2)] public string BottleneckVersion { get; init; } = "";
    /// <summary>The .NET runtime, as <see cref="RuntimeInformation.FrameworkDescription"/> gives it.</summary>
    [JsonPropertyOrder(3)] public string Runtime { get; init; } = "";
    /// <summary>The operating system, as <see cref="RuntimeInformation.OSDescription"/> gives it.</summary>
    [JsonPropertyOrder(4)] public string Os { get; init; } = "";
    /// <summary>Logical processors of the machine.</summary>
    [JsonPropertyOrder(5)] public int CpuCount { get; init; }
    /// <summary>Threads the run computed on.</summary>
    [JsonPropertyOrder(6)] public int Threads { get; init; }
    /// <summary>The SIMD path the kernels took (e.g. Avx512, Avx2, Vector).</summary>
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
    internal static Provenance Of(IReadOnlyList<Invocation> invocations, Provenance current)
    {
        if (invocations.Count <= 1) return current;
        var first = invocations[0];
        return current with { Command = first.Command, Started = first.Started, Threads = first.Threads, Continued = [.. invocations.Skip(1)] };
    }
}
