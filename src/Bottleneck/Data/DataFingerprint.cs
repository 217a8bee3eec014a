using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Bottleneck.Data;

/// <summary>
/// SHA-256 of a study's data as it trains on them (after loading, limiting and scaling): every sample's values, labels
/// and shape, training set then test set. Two machines that agree on it train on the same numbers, whatever their files
/// are called or where they lie. The float values are hashed as their little-endian bytes, as every supported machine stores them.
/// </summary>
internal static class DataFingerprint
{
    /// <summary>The fingerprint as 64 lowercase hex digits.</summary>
    public static string Of(Dataset train, Dataset test)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { train, test })
        {
            Span<int> header = [part.Count, part.FeatureCount, part.Labels is null ? 0 : 1, .. part.SampleShape];
            hash.AppendData(MemoryMarshal.AsBytes(header));
            hash.AppendData(MemoryMarshal.AsBytes(part.Features.Span));
            if (part.Labels is { } labels) hash.AppendData(MemoryMarshal.AsBytes(labels.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
