using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bottleneck;

/// <summary>A number that JSON writes as null when it is NaN or infinite, and that reads back from null as <paramref name="nullIs"/>.</summary>
internal abstract class NonFiniteAsNull(double nullIs) : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? nullIs : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}

/// <summary>A score that reads back +∞ from null: a diverged trial ranks last, whatever its file says.</summary>
internal sealed class NullAsInfinity() : NonFiniteAsNull(double.PositiveInfinity);
