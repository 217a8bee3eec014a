using System.Reflection;

namespace Bottleneck;

/// <summary>The library's version, as every file it writes records it.</summary>
public static class LibraryVersion
{
    /// <summary>The package version (e.g. 0.6.0), without the build's source-revision suffix.</summary>
    public static string Current { get; } =
        typeof(LibraryVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
