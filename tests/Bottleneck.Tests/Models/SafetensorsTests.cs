using System.Buffers.Binary;
using System.Text;
using Bottleneck.Data;
using Bottleneck.Models;
using FluentAssertions;

namespace Bottleneck.Tests.Models;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A file from a literal header (padded to 8 bytes as the reference writer does) and data.</summary>
    private string Raw(string header, int dataBytes, string name = "raw.safetensors")
    {
        byte[] json = Encoding.UTF8.GetBytes(header.PadRight((header.Length + 7) / 8 * 8));
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    private static Action Reading(string path) => () => Safetensors.Read(path);

    [Fact]
    public void Round_trip_keeps_names_shapes_and_every_bit_of_the_values()
    {
        float[] odd = [0f, -0f, float.Epsilon, -1.5e-42f, float.MaxValue, float.NegativeInfinity, float.NaN, 1f / 3];
        var tensors = new SafetensorsTensor[]
        {
            new("encoder.0.weight", [2, 4], odd),
            new("decoder.9.bias", [1], [0.25f]),
            new("scalar", [], [7f]),
            new("empty", [0, 3], []),
        };
        string path = PathOf("model.safetensors");
        Safetensors.Write(path, tensors, metadata: null);

        var file = Safetensors.Read(path);
        file.Tensors.Keys.Should().BeEquivalentTo(tensors.Select(t => t.Name));
        foreach (var t in tensors)
        {
            var read = file.Tensors[t.Name];
            read.Name.Should().Be(t.Name);
            read.Shape.Should().Equal(t.Shape);
            read.Data.Select(BitConverter.SingleToInt32Bits).Should().Equal(t.Data.Select(BitConverter.SingleToInt32Bits));
        }
        file.Metadata.Should().BeEmpty();
        Directory.GetFiles(_dir, "*.partial*").Should().BeEmpty("the temporary file is renamed into place");
    }

    [Fact]
    public void Metadata_round_trips_including_quotes_and_non_ascii_text()
    {
        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = "{\"kind\": \"lab\", \"code_size\": 20}",
            ["note"] = "σ ≥ 0 + \\ </script>",
            ["empty"] = "",
        };
        string path = PathOf("meta.safetensors");
        Safetensors.Write(path, [new("w", [2], [1f, 2f])], metadata);

        Safetensors.Read(path).Metadata.Should().BeEquivalentTo(metadata);
    }

    // The reference writer's layout: compact JSON, __metadata__ first, tensors sorted by name
    // with consecutive offsets, header padded with spaces to a multiple of 8, then the data.
    [Fact]
    public void Layout_matches_the_reference_writer_byte_for_byte()
    {
        string path = PathOf("layout.safetensors");
        Safetensors.Write(path, [new("b", [1, 2], [1f, 2f]), new("a", [1], [-1f])], new Dictionary<string, string> { ["format"] = "pt" });

        byte[] bytes = File.ReadAllBytes(path);
        const string json = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[4,12]}}";
        int headerLength = (json.Length + 7) / 8 * 8;
        BinaryPrimitives.ReadUInt64LittleEndian(bytes).Should().Be((ulong)headerLength);
        Encoding.ASCII.GetString(bytes, 8, headerLength).Should().Be(json.PadRight(headerLength));
        bytes.AsSpan(8 + headerLength).ToArray().Should().Equal([0, 0, 128, 191, 0, 0, 128, 63, 0, 0, 0, 64]);
    }

    [Fact]
    public void An_empty_file_is_the_reference_writers_eight_byte_header()
    {
        string path = PathOf("empty.safetensors");
        Safetensors.Write(path, [], metadata: null);

        File.ReadAllBytes(path).Should().Equal([8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}', 32, 32, 32, 32, 32, 32]);
        Safetensors.Read(path).Tensors.Should().BeEmpty();
    }

    [Fact]
    public void The_file_written_by_pytorch_reads_with_its_names_shapes_values_and_metadata()
    {
        var expected = Fixture.Load("lab_model.json");
        var file = Safetensors.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "lab_torch.safetensors"));

        file.Metadata.Should().Equal(new Dictionary<string, string> { ["written_by"] = "pytorch fixture generator" });
        file.Tensors.Keys.Should().BeEquivalentTo(expected.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        file.Tensors["encoder.0.weight"].Shape.Should().Equal(8, 1, 3, 3);
        file.Tensors["decoder.5.weight"].Shape.Should().Equal(32, 16, 3, 3);
        foreach (var p in expected.GetProperty("parameters").EnumerateObject())
        {
            var t = file.Tensors[p.Name];
            t.Shape.Should().Equal(Fixture.Ints(p.Value.GetProperty("shape")), p.Name);
            t.Data.Take(4).Should().Equal(Fixture.Floats(p.Value.GetProperty("first")), p.Name);
            t.Data.Sum(v => (double)v).Should().BeApproximately(p.Value.GetProperty("sum").GetDouble(), 1e-9, p.Name);
        }
    }

    // Both writers follow the reference layout, so reading PyTorch's file and writing it back
    // must give the same bytes (the C# file then also loads in PyTorch).
    [Fact]
    public void Rewriting_the_pytorch_file_reproduces_it_byte_for_byte()
    {
        string original = Path.Combine(AppContext.BaseDirectory, "Fixtures", "lab_torch.safetensors");
        var file = Safetensors.Read(original);
        string copy = PathOf("lab_bottleneck.safetensors");
        Safetensors.Write(copy, [.. file.Tensors.Values], file.Metadata);

        File.ReadAllBytes(copy).Should().Equal(File.ReadAllBytes(original));
    }

    [Fact]
    public void Header_that_is_not_utf8_is_rejected()
    {
        string path = Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[10] = 0xFF; // inside the name "a"
        File.WriteAllBytes(path, bytes);

        Reading(path).Should().Throw<DataFormatException>().WithMessage($"{path}: the header is not valid UTF-8 text*");
    }

    [Fact]
    public void Truncated_file_names_the_file_and_the_tensor_cut_short()
    {
        string path = PathOf("model.safetensors");
        Safetensors.Write(path, [new("a", [4], [1, 2, 3, 4]), new("b", [3], [5, 6, 7])], metadata: null);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]);

        Reading(path).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: tensor 'b' ends at data byte 28 but the file holds 26 data bytes; the file is truncated");
    }

    [Fact]
    public void A_file_cut_inside_its_header_or_length_names_the_file()
    {
        string path = PathOf("model.safetensors");
        Safetensors.Write(path, [new("a", [4], [1, 2, 3, 4])], metadata: null);
        byte[] bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..20]);
        Reading(path).Should().Throw<DataFormatException>().WithMessage($"{path}: header length * runs past the end of the file (20 bytes)*");
        File.WriteAllBytes(path, bytes[..5]);
        Reading(path).Should().Throw<DataFormatException>().WithMessage($"{path} is 5 bytes, too short to be a safetensors file");
    }

    [Fact]
    public void Implausible_header_length_is_rejected_before_allocating_it()
    {
        string path = PathOf("huge.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 40);
        File.WriteAllBytes(path, bytes);

        Reading(path).Should().Throw<DataFormatException>().WithMessage($"{path}: header length 1099511627776 is over 100 MB*");
    }

    [Theory]
    [InlineData("F16", 4)]
    [InlineData("BF16", 4)]
    [InlineData("F64", 16)]
    public void Non_f32_tensor_names_the_tensor_and_its_dtype(string dtype, int bytes)
    {
        string path = Raw($"{{\"half\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,{bytes}]}}}}", bytes);

        Reading(path).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: tensor 'half' has dtype {dtype}; Bottleneck reads only F32 (float32) tensors*");
    }

    [Fact]
    public void Overlapping_offsets_name_both_tensors()
    {
        string path = Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);

        Reading(path).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: tensors 'a' [0, 8] and 'b' [4, 12] overlap; the file is corrupt");
    }

    [Fact]
    public void Gaps_and_leftover_bytes_in_the_data_are_rejected()
    {
        string gap = Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap.safetensors");
        Reading(gap).Should().Throw<DataFormatException>().WithMessage($"{gap}: data bytes [0, 4) before tensor 'a' belong to no tensor*");

        string tail = Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "tail.safetensors");
        Reading(tail).Should().Throw<DataFormatException>().WithMessage($"{tail}: 4 bytes after the last tensor belong to no tensor*");
    }

    [Fact]
    public void Byte_size_must_be_four_times_the_element_count()
    {
        string path = Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20);

        Reading(path).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: tensor 'a' has shape [2, 3] (24 bytes of F32) but data_offsets [0, 20] span 20 bytes");
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "the header is not valid JSON*")]
    [InlineData("[1,2]", "the header is a JSON Array, expected an object of tensors")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "tensor 'a': shape holds -1, expected non-negative integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "tensor 'a': data_offsets has 1 values, expected 2")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "tensor 'a' has no shape array")]
    [InlineData("{\"__metadata__\":{\"epochs\":50},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "__metadata__ value 'epochs' is a JSON Number, expected a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "the header names 'a' twice")]
    public void Corrupt_header_is_one_line_naming_the_file(string header, string problem)
    {
        string path = Raw(header, 4);

        Reading(path).Should().Throw<DataFormatException>().WithMessage($"{path}: {problem}")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void Missing_file_names_the_path() =>
        Reading(PathOf("nope.safetensors")).Should().Throw<DataFormatException>().WithMessage($"{PathOf("nope.safetensors")}: no such file*");

    [Fact]
    public void A_failed_write_keeps_the_previous_file_and_leaves_no_partial_file()
    {
        string path = PathOf("model.safetensors");
        Safetensors.Write(path, [new("a", [2], [1f, 2f])], metadata: null);
        byte[] before = File.ReadAllBytes(path);

        FluentActions.Invoking(() => Safetensors.Write(path, [new("a", [3], [1f, 2f])], metadata: null))
            .Should().Throw<ArgumentException>().WithMessage("tensor 'a' has 2 values, which does not fit shape [3]");
        File.ReadAllBytes(path).Should().Equal(before);

        string folder = PathOf("taken");
        Directory.CreateDirectory(folder);
        FluentActions.Invoking(() => Safetensors.Write(folder, [new("a", [2], [1f, 2f])], metadata: null))
            .Should().Throw<IOException>().WithMessage($"could not write {folder}: *");
        Directory.GetFiles(_dir).Should().Equal(path);
    }
}
