using PublicApiGenerator;

namespace KonPro.StreamingAvatar.Api.Tests.PublicApi;

/// <summary>
/// The Api package's public surface is generated from the spec: this snapshot makes every change of the spec
/// that reaches users visible in review.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot()
    {
        var generated = typeof(IKonProApiClient).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes =
            [
                "System.Runtime.Versioning.TargetFrameworkAttribute",
                "System.Reflection.AssemblyMetadataAttribute",
                "System.CodeDom.Compiler.GeneratedCodeAttribute",
            ],
        }).ReplaceLineEndings("\n");
        var folder = Folder();
        var approvedPath = Path.Combine(folder, "KonPro.StreamingAvatar.Api.approved.txt");
        var receivedPath = Path.Combine(folder, "KonPro.StreamingAvatar.Api.received.txt");
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
    private static string Folder() => Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Api.Tests", "PublicApi");
}
