using PublicApiGenerator;

namespace KonPro.StreamingAvatar.Testing.Tests.PublicApi;

/// <summary>
/// The fake server's public surface is a product: it is snapshotted in
/// PublicApi/KonPro.StreamingAvatar.Testing.approved.txt so every change shows up in review. When this fails,
/// compare the .received.txt written beside it and, if the change is intended, copy it over the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot()
    {
        var actual = typeof(KonProFakeServer).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        var folder = Path.Combine(RepositoryRoot(), "tests", "KonPro.StreamingAvatar.Testing.Tests", "PublicApi");
        var approvedPath = Path.Combine(folder, "KonPro.StreamingAvatar.Testing.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual != approved)
        {
            File.WriteAllText(Path.Combine(folder, "KonPro.StreamingAvatar.Testing.received.txt"), actual);
        }

        actual.Should().Be(approved);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }
}
