using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.Data;
using Bottleneck.Tensors;

namespace Bottleneck.Training;

/// <summary>One corruption of a denoising run and its level: <c>noise:0.3</c>, <c>occlusion:0.25</c> or <c>block:0.25</c>.</summary>
/// <param name="Corruption">What is done to the input (the robustness command's corruptions).</param>
/// <param name="Level">The noise σ, or the fraction of the image hidden.</param>
public sealed record CorruptionStep(Corruption Corruption, double Level);

/// <summary>
/// A denoising autoencoder's training input (Vincent et al. 2008): every batch is corrupted afresh by each step in turn
/// (<c>noise:0.3+block:0.25</c>), and the model learns to reconstruct the clean batch from it. The corruptions are the
/// robustness command's, so a model can be trained against exactly the damage it is later tested on. The draws come from a
/// stream of their own, reseeded at the start of every epoch from the run's seed and the epoch, so a resumed run corrupts
/// exactly as an uninterrupted one, and a plain run's weights and shuffles are the same as before denoising existed.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class Denoising
{
    private Denoising(IReadOnlyList<CorruptionStep> steps) => Steps = steps;

    /// <summary>The corruptions, applied in this order.</summary>
    public IReadOnlyList<CorruptionStep> Steps { get; }

    /// <summary>The names a step may take, as <see cref="Parse"/> reads them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["noise", "occlusion", "block"];

    /// <summary>
    /// Reads <c>kind:level</c> steps joined by <c>+</c> (kinds: noise, occlusion, block); <c>none</c> gives null. A
    /// <see cref="SettingException"/> for <paramref name="setting"/> names what is wrong.
    /// </summary>
    public static Denoising? Parse(string text, string setting = "denoise")
    {
        if (text.Trim() is "none" or "") return null;
        var steps = new List<CorruptionStep>();
        foreach (string part in text.Split('+'))
        {
            string[] kv = part.Trim().Split(':');
            if (kv.Length != 2)
                throw new SettingException(setting, $"'{part.Trim()}' is not kind:level (e.g. noise:0.3, occlusion:0.25, block:0.25)");
            var corruption = kv[0].Trim().ToLowerInvariant() switch
            {
                "noise" => Corruption.Noise(),
                "occlusion" or "pixels" => Corruption.Pixels(),
                "block" => Corruption.Block(),
                _ => throw new SettingException(setting, $"unknown corruption '{kv[0].Trim()}' (expected {string.Join(", ", Kinds)})"),
            };
            if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double level))
                throw new SettingException(setting, $"'{kv[1]}' is not a number");
            try
            {
                corruption.ValidateLevel(level);
            }
            catch (ArgumentException e)
            {
                throw new SettingException(setting, e.Message);
            }
            steps.Add(new CorruptionStep(corruption, level));
        }
        return new Denoising(steps);
    }

    /// <summary>The steps as <see cref="Parse"/> reads them, one way for equal settings (<c>noise:0.3+block:0.25</c>).</summary>
    public override string ToString() => string.Join("+", Steps.Select(s =>
        $"{(s.Corruption.Kind == CorruptionKind.Pixels ? "occlusion" : s.Corruption.Name)}:{s.Level.ToString("R", CultureInfo.InvariantCulture)}"));

    /// <summary>The scratch <see cref="CorruptInPlace"/> needs for images of <paramref name="imageShape"/>.</summary>
    internal int[] Scratch(int[]? imageShape, int features) => new int[Steps.Max(s => s.Corruption.ScratchLength(imageShape, features))];

    /// <summary>Corrupts the first <paramref name="rows"/> images of <paramref name="batch"/> in place, step by step; allocates nothing.</summary>
    internal void CorruptInPlace(Span<float> batch, int rows, int[]? imageShape, RandomState rng, int[] scratch)
    {
        // Indexed: foreach over an IReadOnlyList boxes its enumerator, once per batch.
        for (int i = 0; i < Steps.Count; i++) Steps[i].Corruption.ApplyInPlace(batch, rows, imageShape, Steps[i].Level, rng, scratch);
    }

    // In settings and results files: the text Parse reads.
    internal sealed class Converter : JsonConverter<Denoising>
    {
        public override Denoising? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return Parse(reader.GetString() ?? throw new JsonException("denoise is a text such as noise:0.3"));
            }
            catch (SettingException e)
            {
                throw new JsonException(e.Message);
            }
        }

        public override void Write(Utf8JsonWriter writer, Denoising value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
