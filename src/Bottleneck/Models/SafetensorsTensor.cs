namespace Bottleneck.Models;

/// <summary>One float32 tensor of a safetensors file: row-major values with their shape.</summary>
internal sealed record SafetensorsTensor(string Name, int[] Shape, float[] Data);
