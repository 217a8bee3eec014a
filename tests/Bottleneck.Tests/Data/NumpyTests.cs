using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Bottleneck.Data;
using FluentAssertions;

namespace Bottleneck.Tests.Data;

/// <summary>
/// The .npy and .npz readers against files numpy wrote (Fixtures/generate_numpy_fixtures.py): every dtype, both byte
/// orders, C and Fortran order, format versions 1–3, stored and deflated archives; and damaged files refused in one line.
/// </summary>
public sealed class NumpyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-numpy-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy", name);

    private static JsonElement Expected(string name) => Fixture.Load(Path.Combine("numpy", "expected.json")).GetProperty(name);

    [Theory]
    [InlineData("u1_images.npy")]
    [InlineData("f4_fortran.npy")]
    [InlineData("f8_big.npy")]
    [InlineData("i2_chw.npy")]
    [InlineData("u2_big_fortran.npy")]
    [InlineData("i8.npy")]
    [InlineData("f2.npy")]
    [InlineData("bool.npy")]
    [InlineData("f4_v2.npy")]
    [InlineData("f4_v3.npy")]
    public void An_array_numpy_saved_reads_back_with_its_shape_and_values_in_C_order(string name)
    {
        var array = Npy.Load(FixturePath(name));
        var expected = Expected(name);

        array.Shape.Should().Equal(expected.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        array.ToFloats().Should().Equal(Fixture.Floats(expected.GetProperty("values")));
    }

    [Fact]
    public void Npy_images_become_a_dataset_with_their_image_shape()
    {
        var (three, _) = NumpyDataset.Load("npy:" + FixturePath("u1_images.npy"));
        (three.Count, three.ImageShape).Should().BeEquivalentTo((5, new[] { 1, 4, 3 }));
        var (four, _) = NumpyDataset.Load("npy:" + FixturePath("i2_chw.npy"));
        (four.Count, four.ImageShape).Should().BeEquivalentTo((3, new[] { 2, 3, 4 }));
        var (flat, _) = NumpyDataset.Load("npy:" + FixturePath("f4_fortran.npy"));
        (flat.Count, flat.FeatureCount, flat.ImageShape).Should().Be((6, 5, (int[]?)null));
    }

    [Fact]
    public void A_stored_npz_gives_its_published_split_and_labels()
    {
        var (train, test) = NumpyDataset.Load("npz:" + FixturePath("split.npz"));
        var expected = Expected("split.npz");

        train.Features.Data.Should().Equal(Fixture.Floats(expected.GetProperty("x")));
        train.Labels.Should().Equal(Fixture.Ints(expected.GetProperty("y")));
        test!.Features.Data.Should().Equal(Fixture.Floats(expected.GetProperty("x_test")));
        test.Labels.Should().Equal(Fixture.Ints(expected.GetProperty("y_test")));
    }

    [Fact]
    public void A_deflated_npz_is_read_under_the_array_names_given()
    {
        var (train, test) = NumpyDataset.Load("npz:" + FixturePath("named.npz") + "?x=images&y=labels");
        var expected = Expected("named.npz");

        train.Features.Data.Should().Equal(Fixture.Floats(expected.GetProperty("x")));
        train.Labels.Should().Equal(Fixture.Ints(expected.GetProperty("y")), "a [n, 1] label column counts as labels");
        test.Should().BeNull("the archive has no x_test");
    }

    [Fact]
    public void An_npz_split_is_the_split_a_run_trains_and_tests_on_and_an_npy_is_split_by_the_seed()
    {
        var (train, test) = new DataSource("npz:" + FixturePath("split.npz")).Load(seed: 1);
        (train.Count, test.Count).Should().Be((8, 4));
        train.Features.Data.Should().Equal(Fixture.Floats(Expected("split.npz").GetProperty("x")), "published values are not rescaled");

        var (a, b) = new DataSource("npy:" + FixturePath("f4_fortran.npy")).Load(seed: 1);
        (a.Count + b.Count).Should().Be(6);
        a.Features.Data.Concat(b.Features.Data).Order().Should().Equal(Fixture.Floats(Expected("f4_fortran.npy").GetProperty("values")).Order(),
            "float values are used as they are");
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "object.npy", "allow_pickle" },
        { "structured.npy", "structured array" },
        { "strings.npy", "holds strings" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Arrays_that_are_not_plain_numbers_are_refused_saying_what_they_hold(string name, string expected)
    {
        var load = () => NumpyDataset.Load("npy:" + FixturePath(name));
        load.Should().Throw<DataFormatException>().Which.Message.Should().Contain(name).And.Contain(expected);
    }

    // A version-1 file from a header text and a data length.
    private string Written(string header, int dataBytes, string name = "made.npy")
    {
        string padded = header.PadRight((header.Length + 11 + 63) / 64 * 64 - 11) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)padded.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.Latin1.GetBytes(padded));
        bytes.AddRange(new byte[dataBytes]);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, [.. bytes]);
        return path;
    }

    public static TheoryData<string, int, string> Damaged() => new()
    {
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 47, "is truncated" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", 49, "the file is corrupt" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }", 48, "non-negative integers" },
        { "{'descr': '<f4', 'shape': (3, 4), }", 48, "fortran_order" },
        { "{'descr': '<q9', 'fortran_order': False, 'shape': (3,), }", 12, "dtype '<q9'" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999), }", 8, "more values than fit" },
        { "['descr', '<f4']", 8, "not a Python dict" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_damaged_header_or_a_size_that_does_not_match_is_one_line_naming_the_file(string header, int dataBytes, string expected)
    {
        string path = Written(header, dataBytes);
        var load = () => Npy.Load(path);
        load.Should().Throw<DataFormatException>().Which.Message.Should().Contain("made.npy").And.Contain(expected).And.NotContain("\n");
    }

    [Fact]
    public void A_file_that_is_not_npy_and_a_cut_archive_are_refused()
    {
        string text = Path.Combine(_dir, "text.npy");
        File.WriteAllText(text, "1,2,3\n");
        FluentActions.Invoking(() => Npy.Load(text)).Should().Throw<DataFormatException>().WithMessage("*text.npy is not a .npy file*");

        byte[] archive = File.ReadAllBytes(FixturePath("split.npz"));
        string cut = Path.Combine(_dir, "cut.npz");
        File.WriteAllBytes(cut, archive[..(archive.Length / 2)]);
        FluentActions.Invoking(() => NumpyDataset.Load("npz:" + cut)).Should().Throw<DataFormatException>().WithMessage("*cut.npz*");
    }

    [Fact]
    public void Missing_arrays_labels_that_are_not_classes_and_unknown_choices_are_explained()
    {
        FluentActions.Invoking(() => NumpyDataset.Load("npz:" + FixturePath("named.npz")))
            .Should().Throw<DataFormatException>().WithMessage("*has no array 'x' (it holds images, labels); choose one with npz:PATH?x=NAME");
        FluentActions.Invoking(() => NumpyDataset.Load("npz:" + FixturePath("named.npz") + "?x=images&z=labels"))
            .Should().Throw<SettingException>().WithMessage("*'z=labels'*x=, y=, x_test= or y_test=*");
        FluentActions.Invoking(() => NumpyDataset.Load("npz:" + FixturePath("split.npz") + "?y=x"))
            .Should().Throw<DataFormatException>().WithMessage("*labels of shape (8, 6)*");
    }
}
