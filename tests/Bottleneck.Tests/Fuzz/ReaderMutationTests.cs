using System.Text;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Runs;
using Bottleneck.Optimizers;
using Bottleneck.Tensors;
using Bottleneck.Tests.Data;
using Bottleneck.Training;
using FluentAssertions;
using Xunit.Abstractions;

namespace Bottleneck.Tests.Fuzz;

/// <summary>
/// A seeded mutation loop over every file reader users can point at their own files (CSV, IDX, NumPy, image folders, checkpoints, model and pipeline files): valid files are
/// damaged (bit flips, odd bytes, cut, repeated or inserted ranges, tokens the format treats specially)
/// and each reader must either accept the result or refuse it with the one-line error the CLI shows
/// for bad input, naming the file. Anything else (an index, overflow, cast or null-reference exception,
/// a parser's own exception type) is a crash the CLI would call a bug. Set
/// BOTTLENECK_FUZZ_ITERATIONS for a longer run than the default.
/// </summary>
public sealed class ReaderMutationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-fuzz-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("BOTTLENECK_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 300;

    private const string Csv = "a,b,c,label\n0.1,0.2,0.3,1\n0.4,\"0.5\",0.6,0\n1e-3,2,-3.5,1\n0,0,0,2\n";

    private const string ModelYaml = """
        # a conv autoencoder for 8×8 inputs
        input: [1, 8, 8]
        init: glorot
        encoder: [conv2d: {out: 4, kernel: 3, stride: 2, padding: 1}, relu, flatten, dropout: 0.1, dense: 8]
        decoder:
          - dense: 64
          - leaky_relu: 0.01
          - unflatten: [4, 4, 4]
          - conv_transpose2d: {out: 1, kernel: 3, stride: 2, padding: 1, output_padding: 1}
          - sigmoid
        """;

    private const string PipelineYaml = """
        dataset: digits
        limit: 300
        seed: 3
        phases:
          - name: first
            tune:
              grid: "lr=1e-2,1e-3;weight-decay=0,1e-5"
              folds: 2
              epochs: 2
          - name: final
            train:
              epochs: 2
              scheduler: "plateau:patience=2"
              use_best_of: [first]
          - name: noise
            robustness: {noise: "0,0.5", samples: 50, use_model_of: final}
        """;

    // Bytes and tokens each format gives a meaning to, so mutations reach past the first check.
    private static readonly string[] TextTokens =
        ["\n", "\r\n", "\"", ",", ":", "- ", "  ", "\t", "[", "]", "{", "}", "&a ", "*a", "<<: ", "? ", "!!binary ", "!tag ",
         "NaN", "-inf", "1e309", "-0", "99999999999", "0x10", "\u00a0", "\uFEFF", "\0", "'", "#", "|", ">", "---\n", "...\n"];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x08, 0x03, 0x1F, 0x8B, (byte)'{', (byte)'"', (byte)'\n'];

    [Fact]
    public void Csv_reader_accepts_or_refuses_every_mutation_in_one_line() =>
        Fuzz("data.csv", [Encoding.UTF8.GetBytes(Csv)], text: true, path => CsvDataset.Load(path));

    [Fact]
    public void Idx_reader_accepts_or_refuses_every_mutation_of_plain_and_gzip_files()
    {
        byte[] images = SyntheticIdx.Images(6, 4, 5), labels = SyntheticIdx.Labels(6);
        string labelsPath = Path.Combine(_dir, "labels-idx1-ubyte");
        File.WriteAllBytes(labelsPath, labels);
        Fuzz("images-idx3-ubyte", [images, SyntheticIdx.Gzip(images)], text: false, path => Idx.Load("fuzz", path, labelsPath));
        Fuzz("labels-idx1-ubyte.gz", [labels, SyntheticIdx.Gzip(labels)], text: false, path => Idx.ReadLabels(path));
    }

    [Fact]
    public void Checkpoint_reader_accepts_or_refuses_every_mutation()
    {
        var spec = ModelSpec.Parse(ModelYaml, "model.yaml");
        string path = Path.Combine(_dir, "seed.safetensors");
        Checkpoint.Save(path, spec.Build(new RandomState(1)), spec, new Dictionary<string, string> { ["training"] = """{"dataset":"digits","seed":0}""" });
        Fuzz("model.safetensors", [File.ReadAllBytes(path)], text: false, file => Checkpoint.Load(file));
    }

    [Fact]
    public void Training_state_reader_accepts_or_refuses_every_mutation()
    {
        string model = Path.Combine(_dir, "dense.yaml");
        File.WriteAllText(model, "input: [64]\nencoder: [dense: 16, batchnorm1d, relu, dropout: 0.2, dense: 4]\ndecoder: [dense: 64, sigmoid]\n");
        var digits = Digits.Load();
        var (train, test) = TrainTestSplit.Split(digits.WithFeatures(new MinMaxScaler().FitTransform(digits.Features)), 0.25, 42);
        var settings = new TrainSettings { Model = new ModelChoice(model), Optimizer = OptimizerSettings.Defaults("adam", OptimizerConvention.PyTorch), Epochs = 1, BatchSize = 64 };
        var run = Trainer.Run(settings, train.Subset([.. Enumerable.Range(0, 300)]), test.Subset([.. Enumerable.Range(0, 100)]));
        string path = Path.Combine(_dir, "seed-state.safetensors");
        TrainingStateFile.Save(path, run.State!, new Dictionary<string, string> { ["note"] = "kept" });
        Fuzz("training-state.safetensors", [File.ReadAllBytes(path)], text: false, file => TrainingStateFile.Load(file));
    }

    [Fact]
    public void Numpy_readers_accept_or_refuse_every_mutation()
    {
        static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "numpy", name));
        Fuzz("array.npy", [Fixture("u1_images.npy"), Fixture("f8_big.npy"), Fixture("u2_big_fortran.npy")], text: false, path => NumpyDataset.Load("npy:" + path));
        Fuzz("arrays.npz", [Fixture("split.npz")], text: false, path => NumpyDataset.Load("npz:" + path));
        Fuzz("named.npz", [Fixture("named.npz")], text: false, path => NumpyDataset.Load("npz:" + path + "?x=images&y=labels"));
    }

    // SkiaSharp decodes natively, so a crafted image that crashed it would take the process down: PNG and JPEG both.
    [Fact]
    public void Image_folder_reader_accepts_or_refuses_every_mutation_of_png_and_jpeg_files()
    {
        string tree = Path.Combine(_dir, "images");
        SyntheticImages.Write(Path.Combine(tree, "a", "seed.png"), 9, 7, new SkiaSharp.SKColor(200, 40, 90));
        SyntheticImages.Write(Path.Combine(tree, "b", "seed.jpg"), 9, 7, new SkiaSharp.SKColor(30, 140, 60));
        byte[] png = File.ReadAllBytes(Path.Combine(tree, "a", "seed.png")), jpeg = File.ReadAllBytes(Path.Combine(tree, "b", "seed.jpg"));
        File.Delete(Path.Combine(tree, "a", "seed.png"));
        File.Delete(Path.Combine(tree, "b", "seed.jpg"));
        SyntheticImages.Write(Path.Combine(tree, "b", "good.png"), 9, 7, new SkiaSharp.SKColor(1, 2, 3));
        Fuzz(Path.Combine("images", "a", "x.png"), [png], text: false, _ => ImageFolder.Load($"images:{tree}?size=8"));
        File.Delete(Path.Combine(tree, "a", "x.png"));
        Fuzz(Path.Combine("images", "a", "x.jpg"), [jpeg], text: false, _ => ImageFolder.Load($"images:{tree}?size=8"));
    }

    [Fact]
    public void Model_file_reader_accepts_or_refuses_every_mutation() =>
        Fuzz("model.yaml", [Encoding.UTF8.GetBytes(ModelYaml)], text: true, path => ModelSpec.Load(path));

    [Fact]
    public void Pipeline_file_reader_accepts_or_refuses_every_mutation() =>
        Fuzz("pipeline.yaml", [Encoding.UTF8.GetBytes(PipelineYaml)], text: true, path => PipelineSpec.Load(path));

    /// <summary>Feeds <see cref="Iterations"/> mutations of each seed file to <paramref name="read"/> and fails on the first crash, showing its input.</summary>
    private void Fuzz(string name, byte[][] seeds, bool text, Action<string> read)
    {
        string path = Path.Combine(_dir, name);
        foreach (var seed in seeds)
        {
            File.WriteAllBytes(path, seed);
            FluentActions.Invoking(() => read(path)).Should().NotThrow("the unmutated {0} is valid", name);
        }

        var random = new Random(20261202);
        int accepted = 0, refused = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(seeds[i % seeds.Length], random, text);
            File.WriteAllBytes(path, input);
            try
            {
                read(path);
                accepted++;
            }
            catch (Exception e) when (IsCleanRefusal(e))
            {
                e.Message.Should().Contain(name, "a refusal names the file the user gave ({0})", Show(input, text));
                refused++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{name}, mutation {i}: {e.GetType().Name}: {e.Message}\ninput: {Show(input, text)}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{name}: {Iterations} mutations, {accepted} accepted, {refused} refused in one line, 0 crashes");
        refused.Should().BeGreaterThan(0, "the mutations must reach the reader's checks");
    }

    // What the CLI turns into "error: …" with exit code 2: Bottleneck's own bad-input exceptions, or a plain ArgumentException it
    // raised itself; the framework's subclasses (ArgumentOutOfRange from an index, ArgumentNull) are bugs.
    private static bool IsCleanRefusal(Exception e) =>
        e is DataFormatException or SettingException
        || (e is ArgumentException && (e.GetType() == typeof(ArgumentException) || e.GetType().Namespace?.StartsWith("Bottleneck", StringComparison.Ordinal) == true));

    private static byte[] Mutate(byte[] seed, Random random, bool text)
    {
        var bytes = new List<byte>(seed);
        int steps = 1 + random.Next(4);
        for (int s = 0; s < steps; s++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    at = Math.Min(at, bytes.Count - 1);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 3:
                    int from = random.Next(bytes.Count + 1), length = Math.Min(bytes.Count - from, 1 + random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                case 4:
                    bytes.InsertRange(at, text ? Encoding.UTF8.GetBytes(TextTokens[random.Next(TextTokens.Length)]) : RandomBytes(random, 1 + random.Next(8)));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    // A big-endian or little-endian integer field overwritten with a large, negative or boundary value.
                    if (bytes.Count >= 4)
                    {
                        int field = random.Next(bytes.Count - 3);
                        uint[] values = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (uint)random.Next()];
                        uint value = values[random.Next(values.Length)];
                        for (int b = 0; b < 4; b++) bytes[field + b] = (byte)(value >> (8 * b));
                    }
                    break;
            }
        }
        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Show(byte[] input, bool text) =>
        text ? Encoding.UTF8.GetString(input).ReplaceLineEndings("⏎") : Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 256)));
}
