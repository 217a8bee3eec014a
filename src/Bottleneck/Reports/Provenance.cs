using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Bottleneck.Reports;

/// <summary>What makes a run directory self-describing: the command that made it and the software it ran on.</summary>
public sealed record Provenance(string Command, DateTimeOffset Started, int Threads)
{
    public static string Version { get; } =
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public JsonObject ToJson() => new()
    {
        ["command"] = Command,
        ["started"] = Started.ToString("o"),
        ["bottleneck_version"] = Version,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["cpu_count"] = Environment.ProcessorCount,
        ["threads"] = Threads,
        ["simd"] = Tensors.Gemm.DefaultPath.ToString(),
    };
}
