namespace Bottleneck.Data;

/// <summary>How <see cref="Corruption"/> damages an image; the level means something different for each.</summary>
public enum CorruptionKind
{
    /// <summary>x + α·N(0, 1) per value; the level is α.</summary>
    Noise,

    /// <summary>A fraction of the pixel positions (all channels) set to 0, chosen anew for every image; the level is the fraction.</summary>
    Pixels,

    /// <summary>One square patch at a random position set to 0; the level is its share of the image's area.</summary>
    Block,
}
