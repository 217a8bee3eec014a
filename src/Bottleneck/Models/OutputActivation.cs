namespace Bottleneck.Models;

/// <summary>Activation at the decoder's output.</summary>
public enum OutputActivation { Sigmoid, Linear }
