using PublicApiGenerator;

namespace KonPro.StreamingAvatar.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot()
    {
        var generated = typeof(StreamingAvatar).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute"],
        }).ReplaceLineEndings("\n");
        var folder = Folder();
        var approvedPath = Path.Combine(folder, "KonPro.StreamingAvatar.approved.txt");
        var receivedPath = Path.Combine(folder, "KonPro.StreamingAvatar.received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (generated == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, generated);
        generated.Should().Be(approved, $"the public API changed: review {receivedPath} and, if intended, copy it over {approvedPath}");
    }

    // Found from the repository root, not [CallerFilePath]: deterministic CI builds map source paths to /_/.
    private static string Folder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "KonPro.StreamingAvatar.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "tests", "KonPro.StreamingAvatar.Tests", "Api");
    }
}
