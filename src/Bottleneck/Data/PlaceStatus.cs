namespace Bottleneck.Data;

/// <summary>What a place held when Bottleneck looked there for a dataset: the files intact (used), none, some, or a damaged or wrong file.</summary>
public enum PlaceStatus { Used, Missing, Incomplete, Corrupt }
