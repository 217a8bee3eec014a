using Bottleneck.Analysis;

namespace Bottleneck.Runs;

/// <summary><paramref name="Points"/> vectors of <paramref name="Values"/> values about to be mapped to 2-D by <paramref name="Method"/>.</summary>
public sealed record EmbedPlan(int Points, int Values, EmbedMethod Method, int Threads);
