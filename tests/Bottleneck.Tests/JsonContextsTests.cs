using System.Text.Json;
using System.Text.Json.Serialization;
using FluentAssertions;

namespace Bottleneck.Tests;

/// <summary>
/// JSON is written from metadata generated at compile time by each part's context (the Native AOT command has no
/// reflection-based serialiser): every enum a listed record holds is written as its snake_case word, and the test build has
/// reflection-based serialisation switched off, so a record missing from its part's context fails its tests.
/// </summary>
public sealed class JsonContextsTests
{
    public static TheoryData<string> Contexts => [.. ContextsByName.Keys];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void Every_enum_a_record_holds_is_written_as_its_snake_case_word(string context)
    {
        var options = new JsonSerializerOptions(Json.Options) { TypeInfoResolver = ContextsByName[context] };
        foreach (var e in ReachedEnums(ContextsByName[context].GetType(), options))
        {
            var info = options.GetTypeInfo(e);
            foreach (var value in Enum.GetValues(e))
            {
                string word = JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()!);
                JsonSerializer.Serialize(value, info).Should().Be($"\"{word}\"", $"{e.Name}.{value} is written as a word");
                JsonSerializer.Deserialize($"\"{word}\"", info).Should().Be(value);
            }
        }
    }

    [Fact]
    public void The_enums_the_records_hold_are_exactly_those_marked_to_be_written_as_words()
    {
        var reached = ContextsByName.Values
            .SelectMany(c => ReachedEnums(c.GetType(), new JsonSerializerOptions(Json.Options) { TypeInfoResolver = c }))
            .ToHashSet();
        var marked = typeof(Json).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(JsonConverterAttribute)));

        reached.Should().Contain([typeof(Bottleneck.Training.RunStatus), typeof(Bottleneck.Search.TrialStatus), typeof(Bottleneck.Data.ScalerKind)]);
        reached.Should().BeEquivalentTo(marked, "an enum no record holds needs no converter, and one a record holds must have one");
    }

    [Fact]
    public void A_record_missing_from_the_context_is_refused_because_reflection_is_off()
    {
        var act = () => Json.Compact(new Unlisted(1), Bottleneck.Search.SearchJson.Default);

        act.Should().Throw<NotSupportedException>();
    }

    private sealed record Unlisted(int A);

    private static readonly Dictionary<string, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver> ContextsByName = new()
    {
        ["reports"] = Bottleneck.Reports.ReportsJson.Default,
        ["search"] = Bottleneck.Search.SearchJson.Default,
        ["training"] = Bottleneck.Training.TrainingJson.Default,
        ["runs"] = Bottleneck.Runs.RunsJson.Default,
    };

    // The enums reached from a context's listed types through properties, elements and nullable values, as the serialiser sees them.
    private static HashSet<Type> ReachedEnums(Type context, JsonSerializerOptions options)
    {
        var roots = context.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!);
        var seen = new HashSet<Type>();
        var enums = new HashSet<Type>();
        var pending = new Stack<Type>(roots);
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (!seen.Add(type)) continue;
            if (type.IsEnum) { enums.Add(type); continue; }
            var info = options.GetTypeInfo(type);
            foreach (var p in info.Properties) pending.Push(p.PropertyType);
            if (info.ElementType is { } element) pending.Push(element);
            if (info.KeyType is { } key) pending.Push(key);
        }
        return enums;
    }
}
