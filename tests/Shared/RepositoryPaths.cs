namespace KonPro.Streaming.TestSupport;

/// <summary>
/// Finds files of the repository from the test's output folder (not with [CallerFilePath]: deterministic CI builds
/// map source paths to /_/). Linked into every test project (tests/Shared).
/// </summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Spec => Path.Combine(Root, "openapi", "konpro-streaming.yaml");

    public static string Proto => Path.Combine(Root, "openapi", "pipecat.proto");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KonPro.StreamingAvatar.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName
            ?? throw new InvalidOperationException($"No KonPro.StreamingAvatar.slnx above {AppContext.BaseDirectory}.");
    }
}
