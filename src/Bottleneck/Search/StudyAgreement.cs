using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.Search;

/// <summary>
/// What a process must agree on with a stored study before it works on it: the same definition (settings, search
/// space, trials), the same data (their fingerprint), and the same Bottleneck version (whose numbers it would add).
/// </summary>
internal static class StudyAgreement
{
    /// <summary>Throws a one-line <see cref="StudyMismatchException"/> naming <paramref name="store"/> and what differs.</summary>
    /// <param name="store">The store, as messages name it.</param>
    /// <param name="storedDefinition">The definition the study was made with.</param>
    /// <param name="definition">This process's.</param>
    /// <param name="storedFingerprint">The study's data fingerprint; null when none was recorded.</param>
    /// <param name="fingerprint">This process's data fingerprint; null when it has none to offer.</param>
    /// <param name="storedVersion">The Bottleneck version that made the study; null when none was recorded.</param>
    public static void Check(string store, string storedDefinition, string definition, string? storedFingerprint, string? fingerprint, string? storedVersion)
    {
        if (storedDefinition != definition && RungsFromScratch(storedDefinition))
            throw new StudyMismatchException($"{store} was made by an earlier Bottleneck, whose asha pruner trained every rung from scratch " +
                                             "(this one goes on from the rung below, with other numbers): finish it with the Bottleneck that made it, or start it afresh");
        if (storedDefinition != definition)
            throw new StudyMismatchException($"{store} holds a different study ({Differences(storedDefinition, definition)})", resumable: true);
        if (storedFingerprint is not null && fingerprint is not null && storedFingerprint != fingerprint)
            throw new StudyMismatchException($"{store} was made on other data (fingerprint {storedFingerprint[..12]}…, here {fingerprint[..12]}…): " +
                                             "check the dataset files on this machine, and the data folder it was given");
        if (storedVersion is not null && storedVersion != LibraryVersion.Current)
            throw new StudyMismatchException($"{store} was made by Bottleneck {storedVersion}; this is {LibraryVersion.Current}, whose numbers may differ: " +
                                             $"run it with Bottleneck {storedVersion}");
    }

    // Asha before its rungs continued each other recorded its pruner without ",continued" (see StudySettings.ToJson).
    private static bool RungsFromScratch(string definition)
    {
        try
        {
            return JsonNode.Parse(definition)?["settings"]?["pruner"] is JsonValue v && v.TryGetValue(out string? pruner)
                   && pruner.StartsWith("asha:", StringComparison.Ordinal) && !pruner.EndsWith(",continued", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Names the top-level settings that differ, when both definitions are JSON objects.
    private static string Differences(string stored, string given)
    {
        try
        {
            using var a = JsonDocument.Parse(stored);
            using var b = JsonDocument.Parse(given);
            if (a.RootElement.ValueKind == JsonValueKind.Object && b.RootElement.ValueKind == JsonValueKind.Object)
            {
                var left = Properties(a.RootElement);
                var right = Properties(b.RootElement);
                var names = left.Keys.Union(right.Keys)
                    .Where(n => !left.TryGetValue(n, out var l) || !right.TryGetValue(n, out var r) || l != r)
                    .ToList();
                if (names.Count > 0) return "different " + string.Join(", ", names);
            }
        }
        catch (JsonException) { }
        return "its definition is not the same JSON text";
    }

    private static Dictionary<string, string> Properties(JsonElement obj)
    {
        var properties = new Dictionary<string, string>();
        foreach (var p in obj.EnumerateObject()) properties[p.Name] = p.Value.GetRawText();
        return properties;
    }
}
