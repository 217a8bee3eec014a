namespace Bottleneck.Tests;

/// <summary>Removing a test's temporary folder; a file a child process still holds does not fail the test.</summary>
public static class TempFolder
{
    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
