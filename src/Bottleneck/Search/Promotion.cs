namespace Bottleneck.Search;

/// <summary>
/// One decision of asynchronous successive halving: <see cref="Trial"/>, ranked <see cref="Rank"/> of the
/// <see cref="Seen"/> results at its rung of <see cref="FromEpochs"/> epochs when <see cref="Worker"/> looked, goes on to
/// <see cref="ToEpochs"/>. <see cref="Closed"/>: the rung could get no more results, so its best ⌈n/η⌉ went on (as
/// synchronous halving keeps them), not only the ⌊n/η⌋ that ASHA promotes while results still come in.
/// </summary>
public sealed record Promotion(TrialParams Trial, int FromEpochs, int ToEpochs, int Rank, int Seen, double Score, bool Closed, string Worker,
                               DateTimeOffset At)
{
    /// <summary>A decision as the store holds it; a <see cref="DataFormatException"/> naming <paramref name="store"/> when the text is not one.</summary>
    public static Promotion Read(string json, string store)
    {
        try
        {
            var p = Json.Deserialize<Promotion>(json, SearchJson.Default);
            if (p.Trial is null || p.Worker is null) throw new System.Text.Json.JsonException("'trial' or 'worker' is missing");
            return p;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new DataFormatException($"{store}: a stored promotion is damaged ({e.Message.Split('\n')[0]})");
        }
    }
}
