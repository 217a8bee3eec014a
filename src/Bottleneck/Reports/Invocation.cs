using System.Text.Json.Serialization;

namespace Bottleneck.Reports;

/// <summary>One invocation that worked on a run: the command line, when it started, on how many threads.</summary>
/// <param name="TestLimit">A study's test-sample limit, which its definition does not hold, so that a resume uses the same.</param>
/// <param name="Command">The command line, as typed (passwords never included).</param>
/// <param name="Started">When it started, ISO 8601 with the offset.</param>
/// <param name="Threads">The threads it computed on.</param>
public sealed record Invocation(string Command, string Started, int Threads,
                                [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TestLimit = null);
