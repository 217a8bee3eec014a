using FluentAssertions;

namespace Bottleneck.Tests;

/// <summary>
/// Whole-file writes that several writers make at once (two workers finishing one study write its results.json together)
/// all succeed, leave one writer's complete content and no temporary file.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bottleneck-atomic-").FullName;

    public void Dispose() => TempFolder.Delete(_dir);

    [Fact]
    public void Writers_racing_on_one_file_all_succeed_and_one_whole_content_remains()
    {
        string path = Path.Combine(_dir, "results.json");
        var contents = Enumerable.Range(0, 8).Select(w => new string((char)('a' + w), 100_000)).ToArray();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            for (int i = 0; i < 20; i++) AtomicFile.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(contents[w]));
        });

        contents.Should().Contain(File.ReadAllText(path));
        Directory.GetFiles(_dir).Should().Equal(path);
    }
}
