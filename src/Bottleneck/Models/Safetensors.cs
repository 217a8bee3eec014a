using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Bottleneck.Data;

namespace Bottleneck.Models;

/// <summary>
/// The safetensors checkpoint format (https://github.com/huggingface/safetensors), float32 only,
/// so that Bottleneck's weights load in PyTorch and PyTorch's load here. Layout: an unsigned
/// 64-bit little-endian header length N; N bytes of UTF-8 JSON
/// <c>{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..}</c>;
/// then the raw little-endian tensor bytes, offsets relative to the end of the header.
/// </summary>
internal static class Safetensors
{
    /// <summary>The reference reader refuses larger headers; so do we, before allocating one.</summary>
    private const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly JsonWriterOptions HeaderOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the tensors in name order, the header as compact JSON with <c>__metadata__</c> first and
    /// padded with spaces to a multiple of 8 bytes: the reference writer's layout, so the same
    /// weights give the same bytes. The file is written under a temporary name and renamed into
    /// place, so a failed write leaves nothing (or the previous file) under <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        // The reference writer orders by descending dtype alignment, then by name; all ours are F32.
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        Validate(ordered);
        byte[] header = Header(ordered, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            // The format is little-endian, as is every platform .NET runs Bottleneck on, so the
            // floats go out as they lie in memory.
            foreach (var t in ordered) stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        });
    }

    /// <summary>
    /// Reads every tensor, checking the file as the reference reader does: a plausible header
    /// length, well-formed JSON, F32 dtypes, byte sizes that match the shapes, and offsets that
    /// tile the data exactly (no overlap, no gap, nothing missing or left over).
    /// </summary>
    /// <exception cref="DataFormatException">The file is missing, truncated, corrupt or holds a non-F32 tensor.</exception>
    public static SafetensorsFile Read(string path)
    {
        using var stream = InputFile.OpenRead(path, ".safetensors file");
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new DataFormatException($"{path} is {fileLength} bytes, too short to be a safetensors file");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new DataFormatException($"{path}: header length {headerLength} is over 100 MB; the file is corrupt or not a safetensors file");
        if ((long)headerLength > fileLength - 8)
            throw new DataFormatException($"{path}: header length {headerLength} runs past the end of the file ({fileLength} bytes); the file is truncated or not a safetensors file");

        byte[] header = new byte[(int)headerLength];
        stream.ReadExactly(header);
        var (entries, metadata) = ParseHeader(path, header);

        long dataLength = fileLength - 8 - (long)headerLength;
        CheckTiling(path, entries, dataLength);

        var result = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var data = new float[e.Count];
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            result.Add(e.Name, new SafetensorsTensor(e.Name, e.Shape, data));
        }
        return new SafetensorsFile(result, metadata);
    }

    private sealed record Entry(string Name, int[] Shape, int Count, long Begin, long End);

    private static void Validate(SafetensorsTensor[] ordered)
    {
        for (int i = 0; i < ordered.Length; i++)
        {
            var t = ordered[i];
            if (t.Name == MetadataKey) throw new ArgumentException($"a tensor cannot be named {MetadataKey}");
            if (i > 0 && t.Name == ordered[i - 1].Name) throw new ArgumentException($"two tensors are named '{t.Name}'");
            if (t.Shape.Any(d => d < 0)) throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in shape {ShapeText(t.Shape)}");
            // Saturating: a product past 2^32 cannot equal an array's length, and must not overflow.
            long count = 1;
            foreach (int d in t.Shape) count = Math.Min(count * d, 1L << 32);
            if (count != t.Data.Length)
                throw new ArgumentException($"tensor '{t.Name}' has {t.Data.Length} values, which does not fit shape {ShapeText(t.Shape)}");
        }
    }

    private static byte[] Header(SafetensorsTensor[] ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, HeaderOptions))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(MetadataKey);
                // The reference writer's order is a hash map's; sorted keys make our files reproducible.
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        // Spaces pad the header to a multiple of 8 bytes so the data that follows is aligned for any dtype.
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header)
    {
        // Checked up front: JsonDocument accepts bad UTF-8 inside strings and fails later, reading a name.
        if (!Utf8.IsValid(header))
            throw new DataFormatException($"{path}: the header is not valid UTF-8 text; the file is corrupt or not a safetensors file");
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new DataFormatException($"{path}: the header is not valid JSON ({e.Message})"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DataFormatException($"{path}: the header is a JSON {root.ValueKind}, expected an object of tensors");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw new DataFormatException($"{path}: the header names '{property.Name}' twice");
                if (property.Name == MetadataKey) ReadMetadata(path, property.Value, metadata);
                else entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new DataFormatException($"{path}: {MetadataKey} is a JSON {value.ValueKind}, expected an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new DataFormatException($"{path}: {MetadataKey} value '{item.Name}' is a JSON {item.Value.ValueKind}, expected a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string path, string name, JsonElement value)
    {
        string where = $"{path}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new DataFormatException($"{where} is a JSON {value.ValueKind}, expected an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw new DataFormatException($"{where} has no dtype string");
        if (dtype.GetString() != "F32")
            throw new DataFormatException($"{where} has dtype {dtype.GetString()}; Bottleneck reads only F32 (float32) tensors, convert it first (e.g. tensor.float() in PyTorch)");
        long[] shape = Integers(where, value, "shape", length: null);
        long[] offsets = Integers(where, value, "data_offsets", length: 2);

        long count = 1;
        foreach (long d in shape)
        {
            // Checked one factor at a time so the product never overflows.
            if (d > int.MaxValue || (count *= d) > Array.MaxLength)
                throw new DataFormatException($"{where} has shape {ShapeText(shape)}, too large to load");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw new DataFormatException($"{where} has data_offsets [{begin}, {end}], which end before they begin");
        if (end - begin != 4 * count)
            throw new DataFormatException($"{where} has shape {ShapeText(shape)} ({4 * count} bytes of F32) but data_offsets [{begin}, {end}] span {end - begin} bytes");
        return new Entry(name, [.. shape.Select(d => (int)d)], (int)count, begin, end);
    }

    /// <summary>A JSON array of non-negative integers, e.g. a shape or a pair of offsets.</summary>
    private static long[] Integers(string where, JsonElement entry, string key, int? length)
    {
        if (!entry.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new DataFormatException($"{where} has no {key} array");
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw new DataFormatException($"{where}: {key} holds {item.GetRawText()}, expected non-negative integers");
            values.Add(v);
        }
        if (length is int n && values.Count != n)
            throw new DataFormatException($"{where}: {key} has {values.Count} values, expected {n}");
        return [.. values];
    }

    /// <summary>Sorts the entries by offset and checks that they cover the data exactly once.</summary>
    private static void CheckTiling(string path, List<Entry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Begin < expected)
            {
                var previous = entries[i - 1];
                throw new DataFormatException($"{path}: tensors '{previous.Name}' [{previous.Begin}, {previous.End}] and '{e.Name}' [{e.Begin}, {e.End}] overlap; the file is corrupt");
            }
            if (e.Begin > expected)
                throw new DataFormatException($"{path}: data bytes [{expected}, {e.Begin}) before tensor '{e.Name}' belong to no tensor; the file is corrupt");
            if (e.End > dataLength)
                throw new DataFormatException($"{path}: tensor '{e.Name}' ends at data byte {e.End} but the file holds {dataLength} data bytes; the file is truncated");
            expected = e.End;
        }
        if (expected != dataLength)
            throw new DataFormatException($"{path}: {dataLength - expected} bytes after the last tensor belong to no tensor; the file is corrupt");
    }

    private static string ShapeText<T>(IEnumerable<T> shape) => $"[{string.Join(", ", shape)}]";
}
