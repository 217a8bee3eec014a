using Bottleneck.Layers;

namespace Bottleneck.Models;

/// <summary>
/// A model as a user names it: a preset (<c>lab</c>, <c>lab-rgb</c>, <c>dense</c>, <c>vae-lab</c>, <c>vae-dense</c>) with its code size and, for <c>dense</c>, hidden layer
/// sizes, output activation and initialisation; or a model file, which sets the architecture itself. <see cref="For"/>
/// sizes it to the data.
/// </summary>
public sealed record ModelChoice(string Name, int CodeSize = 20, IReadOnlyList<int>? Hidden = null,
                                 OutputActivation Output = OutputActivation.Sigmoid, InitScheme Init = InitScheme.KaimingUniform)
{
    /// <summary>The dense preset's hidden sizes (none when unset).</summary>
    public IReadOnlyList<int> HiddenSizes => Hidden ?? [];

    /// <summary>Whether the name is a preset rather than a model file.</summary>
    public bool IsPreset => Presets.Names.Contains(Name);

    /// <summary>Checks the choice now, before any data is loaded: a <see cref="SettingException"/> for an unknown preset or a bad size, a <see cref="DataFormatException"/> for a bad model file.</summary>
    public void Validate()
    {
        Require.AtLeast(CodeSize, 1, "code-size");
        foreach (int size in HiddenSizes) Require.AtLeast(size, 1, "hidden");
        if (!IsPreset) File();
    }

    private ModelSpec File() => System.IO.File.Exists(Name) ? ModelSpec.Load(Name)
        : throw new SettingException("model", $"'{Name}' is neither a preset ({string.Join(", ", Presets.Names)}) nor a model file");

    /// <summary>The architecture for samples of <paramref name="sampleShape"/>; a <see cref="SettingException"/> when the model cannot take them.</summary>
    public ModelSpec For(int[] sampleShape)
    {
        var spec = Name switch
        {
            "lab" => Presets.Lab(CodeSize),
            "lab-rgb" => Presets.LabRgb(CodeSize),
            "dense" => Presets.Dense(sampleShape, CodeSize, HiddenSizes, Output, Init),
            "vae-lab" => Presets.VaeLab(CodeSize),
            "vae-dense" => Presets.VaeDense(sampleShape, CodeSize, HiddenSizes, Output, Init),
            _ => File(),
        };
        if (Tensors.Tensor.ElementCount(spec.Input) != Tensors.Tensor.ElementCount(sampleShape))
            throw new SettingException("model", $"{Name} takes [{string.Join(", ", spec.Input)}] inputs, but the data's samples are [{string.Join(", ", sampleShape)}]" +
                                                (Name is "lab" or "vae-lab" ? " (lab is for 28×28 images: mnist, fashion-mnist, kmnist)"
                                                 : Name == "lab-rgb" ? " (lab-rgb is for 3×32×32 colour images, e.g. images:DIR?channels=3&size=32)" : ""));
        return spec;
    }
}
