using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace Bottleneck.Tests.Architecture;

/// <summary>
/// The shape ARCHITECTURE.md promises, checked on the compiled library: references run only down the
/// declared order of parts, the library never reaches for the program or the console, names no flag,
/// and the program's commands stay small and do not call each other.
/// </summary>
public sealed partial class DependencyTests
{
    private static readonly string Library = typeof(Bottleneck.Tensors.Tensor).Assembly.Location;

    [Fact]
    public void Library_references_run_only_down_the_declared_order_of_parts()
    {
        var violations = LayerRules.FromArchitectureDocument().Violations(TypeReferences.Scan(Library));
        violations.Should().BeEmpty("ARCHITECTURE.md's table says what each part may use:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_namespace_of_the_library_is_a_part_of_the_table()
    {
        var rules = LayerRules.FromArchitectureDocument();
        var namespaces = typeof(Bottleneck.Tensors.Tensor).Assembly.GetTypes()
            .Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith(LayerRules.Root, StringComparison.Ordinal)).Distinct();
        namespaces.Select(LayerRules.PartOf).Should().OnlyContain(p => rules.Parts.Contains(p));
    }

    [Fact]
    public void The_check_reports_a_backward_reference_added_to_an_assembly()
    {
        // A kernel in Tensors that calls into Reports, compiled to a real assembly: the check must name it.
        using var probe = AssemblyWithBackwardCall();
        var violations = LayerRules.FromArchitectureDocument().Violations(TypeReferences.Scan(probe));
        violations.Should().ContainSingle().Which.Should()
            .Be("Bottleneck.Tensors.Kernel (Tensors) uses Bottleneck.Reports.Chart (Reports), but Tensors may use only: the root");
    }

    [Fact]
    public void Library_does_not_reference_the_program_its_libraries_or_the_console()
    {
        var forbidden = TypeReferences.Scan(Library)
            .Where(r => r.ToAssembly is "Bottleneck.Cli" or "System.CommandLine" or "Spectre.Console" || r.ToType == "System.Console")
            .Select(r => $"{r.FromType} uses {r.ToType} ({r.ToAssembly})").Distinct().ToList();
        forbidden.Should().BeEmpty("the library reports through exceptions, results and callbacks, and the program prints");
    }

    [Fact]
    public void Library_names_no_command_line_flag()
    {
        var flags = UserStrings(Library).Where(s => Flag().IsMatch(s)).ToList();
        flags.Should().BeEmpty("settings are named as settings records spell them; the program turns them into flags:\n" + string.Join("\n", flags));
    }

    [Fact]
    public void Commands_are_small_and_name_no_other_command()
    {
        string folder = Path.Combine(Repository.Root, "src", "Bottleneck.Cli", "Commands");
        var commands = Directory.GetFiles(folder, "*Command.cs").Select(f => Path.GetFileNameWithoutExtension(f)!).ToList();
        commands.Should().NotBeEmpty();
        foreach (string file in Directory.GetFiles(folder, "*.cs"))
        {
            string[] lines = File.ReadAllLines(file);
            string name = Path.GetFileNameWithoutExtension(file);
            lines.Length.Should().BeLessThanOrEqualTo(150, $"{name} should map options to settings, call the library and print");
            var others = commands.Where(c => c != name && lines.Any(l => Regex.IsMatch(l, $@"\b{c}\b"))).ToList();
            others.Should().BeEmpty($"{name} should not call another command");
        }
    }

    private static IReadOnlyList<string> UserStrings(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var md = pe.GetMetadataReader();
        var strings = new List<string>();
        int size = md.GetHeapSize(HeapIndex.UserString);
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil && MetadataTokens.GetHeapOffset(handle) < size; handle = md.GetNextHandle(handle))
            strings.Add(md.GetUserString(handle));
        return strings;
    }

    // "--epochs", "--data-dir": two dashes then a letter, not inside a longer run of dashes (a rule "-----").
    [GeneratedRegex(@"(?<![-\w])--[a-z]")]
    private static partial Regex Flag();

    private static MemoryStream AssemblyWithBackwardCall()
    {
        var assembly = new PersistedAssemblyBuilder(new AssemblyName("Probe"), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule("Probe");
        var chart = module.DefineType("Bottleneck.Reports.Chart", TypeAttributes.Public | TypeAttributes.Class);
        var draw = chart.DefineMethod("Draw", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        draw.GetILGenerator().Emit(OpCodes.Ret);
        chart.CreateType();
        var kernel = module.DefineType("Bottleneck.Tensors.Kernel", TypeAttributes.Public | TypeAttributes.Class);
        var run = kernel.DefineMethod("Run", MethodAttributes.Public | MethodAttributes.Static, typeof(void), Type.EmptyTypes);
        var il = run.GetILGenerator();
        il.Emit(OpCodes.Call, draw);
        il.Emit(OpCodes.Ret);
        kernel.CreateType();
        var stream = new MemoryStream();
        assembly.Save(stream);
        stream.Position = 0;
        return stream;
    }
}
