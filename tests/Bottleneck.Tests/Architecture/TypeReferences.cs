using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Bottleneck.Tests.Architecture;

/// <summary>One use of a type by a type of the scanned assembly: who uses it, what, from which assembly.</summary>
/// <param name="FromType">The using type's full name (nested and compiler-generated types count as their outermost type).</param>
/// <param name="ToType">The used type's full name (its outermost type).</param>
/// <param name="ToAssembly">The assembly that defines the used type; null when it is the scanned assembly itself.</param>
public sealed record TypeReference(string FromType, string FromNamespace, string ToType, string ToNamespace, string? ToAssembly);

/// <summary>
/// Every type a compiled assembly uses, read from its metadata: base types and interfaces, the signatures of
/// fields, methods, properties and locals, attributes, and every type, method and field token in the IL of
/// every method body. So a reference is found however it is written in the source (a using, a qualified name,
/// a lambda, a generic argument).
/// </summary>
public static class TypeReferences
{
    public static IReadOnlyList<TypeReference> Scan(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        return Scan(stream);
    }

    public static IReadOnlyList<TypeReference> Scan(Stream assembly)
    {
        using var pe = new PEReader(assembly);
        var md = pe.GetMetadataReader();
        var found = new HashSet<TypeReference>();
        var provider = new SignatureTypes(md);
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var (fromNamespace, fromName) = Outermost(md, handle);
            if (fromNamespace.Length == 0) continue; // <Module>, <PrivateImplementationDetails>
            string from = Join(fromNamespace, fromName);
            void Add(IEnumerable<(string Namespace, string Name, string? Assembly)> targets)
            {
                foreach (var (ns, name, asm) in targets) found.Add(new TypeReference(from, fromNamespace, Join(ns, name), ns, asm));
            }

            if (!type.BaseType.IsNil) Add(provider.Of(type.BaseType));
            foreach (var i in type.GetInterfaceImplementations()) Add(provider.Of(md.GetInterfaceImplementation(i).Interface));
            Add(Attributes(md, provider, type.GetCustomAttributes()));
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                Add(field.DecodeSignature(provider, null));
                Add(Attributes(md, provider, field.GetCustomAttributes()));
            }
            foreach (var p in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(p);
                var sig = property.DecodeSignature(provider, null);
                Add(sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(t => t)));
                Add(Attributes(md, provider, property.GetCustomAttributes()));
            }
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                var sig = method.DecodeSignature(provider, null);
                Add(sig.ReturnType.Concat(sig.ParameterTypes.SelectMany(t => t)));
                Add(Attributes(md, provider, method.GetCustomAttributes()));
                foreach (var p in method.GetParameters()) Add(Attributes(md, provider, md.GetParameter(p).GetCustomAttributes()));
                if (method.RelativeVirtualAddress == 0) continue;
                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                    Add(md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null).SelectMany(t => t));
                foreach (var token in IlTokens(body.GetILReader())) Add(provider.Of(MetadataTokens.EntityHandle(token)));
            }
            foreach (var g in type.GetGenericParameters())
                foreach (var c in md.GetGenericParameter(g).GetConstraints())
                    Add(provider.Of(md.GetGenericParameterConstraint(c).Type));
        }
        return [.. found.OrderBy(r => r.FromType, StringComparer.Ordinal).ThenBy(r => r.ToType, StringComparer.Ordinal)];
    }

    private static IEnumerable<(string, string, string?)> Attributes(MetadataReader md, SignatureTypes provider, CustomAttributeHandleCollection attributes) =>
        attributes.SelectMany(a => provider.Of(md.GetCustomAttribute(a).Constructor));

    private static string Join(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

    // A nested type (a closure, a state machine, a private helper) belongs to the type it is declared in.
    internal static (string Namespace, string Name) Outermost(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        while (type.IsNested) type = md.GetTypeDefinition(type.GetDeclaringType());
        return (md.GetString(type.Namespace), md.GetString(type.Name));
    }

    // Operand sizes of every IL opcode, from the runtime's own opcode table.
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private static IEnumerable<int> IlTokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (Operands[code])
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read first: `il.Offset += 4 * il.ReadInt32()` would lose the count's own 4 bytes
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    tokens.Add(il.ReadInt32());
                    break;
                default: il.Offset += 4; break; // branch targets, int32, float32, strings, signatures
            }
        }
        return tokens;
    }

    /// <summary>Decodes signatures into the types they name (namespace, name, defining assembly or null for this one).</summary>
    private sealed class SignatureTypes(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<(string, string, string?)>, object?>
    {
        private static readonly ImmutableArray<(string, string, string?)> None = [];

        public IEnumerable<(string, string, string?)> Of(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => GetTypeFromDefinition(md, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            HandleKind.MethodDefinition => Of(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType()),
            HandleKind.FieldDefinition => Of(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()),
            HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)handle).Parent is var parent && parent.Kind != HandleKind.ModuleReference
                ? Of((EntityHandle)parent) : None,
            HandleKind.MethodSpecification => md.GetMethodSpecification((MethodSpecificationHandle)handle) is var spec
                ? Of(spec.Method).Concat(spec.DecodeSignature(this, null).SelectMany(t => t)) : None,
            _ => None,
        };

        public ImmutableArray<(string, string, string?)> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var (ns, name) = Outermost(reader, handle);
            return [(ns, name, null)];
        }

        public ImmutableArray<(string, string, string?)> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var reference = reader.GetTypeReference(handle);
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference) reference = reader.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            string? assembly = reference.ResolutionScope.Kind == HandleKind.AssemblyReference
                ? reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope).Name) : null;
            return [(reader.GetString(reference.Namespace), reader.GetString(reference.Name), assembly)];
        }

        public ImmutableArray<(string, string, string?)> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);

        public ImmutableArray<(string, string, string?)> GetGenericInstantiation(ImmutableArray<(string, string, string?)> genericType, ImmutableArray<ImmutableArray<(string, string, string?)>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(t => t)];

        public ImmutableArray<(string, string, string?)> GetFunctionPointerType(MethodSignature<ImmutableArray<(string, string, string?)>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(t => t)];

        public ImmutableArray<(string, string, string?)> GetModifiedType(ImmutableArray<(string, string, string?)> modifier, ImmutableArray<(string, string, string?)> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public ImmutableArray<(string, string, string?)> GetArrayType(ImmutableArray<(string, string, string?)> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<(string, string, string?)> GetByReferenceType(ImmutableArray<(string, string, string?)> elementType) => elementType;
        public ImmutableArray<(string, string, string?)> GetPinnedType(ImmutableArray<(string, string, string?)> elementType) => elementType;
        public ImmutableArray<(string, string, string?)> GetPointerType(ImmutableArray<(string, string, string?)> elementType) => elementType;
        public ImmutableArray<(string, string, string?)> GetSZArrayType(ImmutableArray<(string, string, string?)> elementType) => elementType;
        public ImmutableArray<(string, string, string?)> GetGenericMethodParameter(object? context, int index) => None;
        public ImmutableArray<(string, string, string?)> GetGenericTypeParameter(object? context, int index) => None;
        public ImmutableArray<(string, string, string?)> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
    }
}
