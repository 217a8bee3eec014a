namespace Bottleneck.Models;

/// <summary>What a safetensors file holds: tensors by name, and the string-to-string <c>__metadata__</c>.</summary>
internal sealed record SafetensorsFile(IReadOnlyDictionary<string, SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
