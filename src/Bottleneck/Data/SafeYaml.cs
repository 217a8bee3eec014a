using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Bottleneck.Data;

/// <summary>
/// Reads a YAML document (a model or pipeline file; JSON is YAML too) that cannot hurt the reader: keys are plain
/// values, an alias never points into the node that contains it (a cycle), and aliases cannot make the document
/// grow past <see cref="MaxNodes"/> nodes once expanded (a "billion laughs" bomb). Every problem is a one-line
/// <see cref="DataFormatException"/> with the line it is on.
/// </summary>
internal static class SafeYaml
{
    /// <summary>Values a document may hold once its aliases are expanded; a model or pipeline file needs a few hundred.</summary>
    public const int MaxNodes = 100_000;

    public static YamlStream Load(string text, string source)
    {
        Check(text, source);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new DataFormatException($"{source} line {e.Start.Line}: {OneLine(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow collections;
            // the last event parsed before it sits on the line where the bracket or brace was left open.
            string line = parser.Current is { } last ? $" line {last.Start.Line}" : "";
            throw new DataFormatException($"{source}{line}: not valid YAML or JSON (an unclosed bracket or brace?)");
        }
        catch (ArgumentException)
        {
            // YamlDotNet's node builder refuses an event it cannot place; Check finds the cases known (an entry with no key,
            // found by fuzzing), so this is a last guard and knows only roughly where.
            string line = parser.Current is { } last ? $" near line {last.Start.Line}" : "";
            throw new DataFormatException($"{source}{line}: not valid YAML or JSON");
        }
        return stream;
    }

    // One pass over the parser's events, before any node is built.
    private static void Check(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<(bool Mapping, bool ExpectKey, long StartCount, string? Anchor)>();
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                bool startsNode = e is Scalar or AnchorAlias or MappingStart or SequenceStart;
                if (startsNode && open.TryPeek(out var parent) && parent.Mapping && parent.ExpectKey && e is not Scalar)
                    throw Error(source, e, "a key must be a plain value, not a list, a mapping or an alias");
                if (e is Scalar { Value.Length: 0, Style: ScalarStyle.Plain } && open.TryPeek(out var owner) && owner.Mapping && owner.ExpectKey)
                    throw Error(source, e, "an entry has no key (nothing before its ':')");
                switch (e)
                {
                    case Scalar scalar:
                        count++;
                        Remember(sizes, scalar.Anchor, 1);
                        Completed(open);
                        break;
                    case AnchorAlias alias:
                        if (!sizes.TryGetValue(alias.Value.Value, out long size))
                            throw Error(source, e, $"the alias *{alias.Value.Value} refers to a node that is not complete (it contains the alias) or not defined");
                        count += size;
                        if (count > MaxNodes) throw Error(source, e, $"its aliases expand to more than {MaxNodes:N0} values");
                        Completed(open);
                        break;
                    case MappingStart mapping:
                        count++;
                        open.Push((true, true, count, mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value));
                        break;
                    case SequenceStart sequence:
                        count++;
                        open.Push((false, false, count, sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value));
                        break;
                    case MappingEnd or SequenceEnd:
                        var node = open.Pop();
                        if (node.Anchor is { } anchor) sizes[anchor] = count - node.StartCount + 1;
                        Completed(open);
                        break;
                }
                if (count > MaxNodes) throw Error(source, e, $"the document holds more than {MaxNodes:N0} values");
            }
        }
        catch (YamlException e)
        {
            throw new DataFormatException($"{source} line {e.Start.Line}: {OneLine(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            string line = parser.Current is { } last ? $" line {last.Start.Line}" : "";
            throw new DataFormatException($"{source}{line}: not valid YAML or JSON (an unclosed bracket or brace?)");
        }
    }

    private static void Remember(Dictionary<string, long> sizes, AnchorName anchor, long size)
    {
        if (!anchor.IsEmpty) sizes[anchor.Value] = size;
    }

    // A child node is done: in a mapping, keys and values alternate.
    private static void Completed(Stack<(bool Mapping, bool ExpectKey, long StartCount, string? Anchor)> open)
    {
        if (open.TryPop(out var parent)) open.Push(parent with { ExpectKey = parent.Mapping && !parent.ExpectKey });
    }

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static DataFormatException Error(string source, ParsingEvent e, string message) => new($"{source} line {e.Start.Line}: {message}");
}
