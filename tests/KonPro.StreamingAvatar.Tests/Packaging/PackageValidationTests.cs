using System.Diagnostics;
using System.IO.Compression;
using KonPro.Streaming.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KonPro.Streaming.Tests.Packaging;

/// <summary>
/// Package validation (Directory.Build.targets): a pack checks the package's API against the last released package,
/// and fails on a breaking change. Until the first release is on the feed, the baseline is a package file given with
/// <c>-p:PackageValidationBaselinePath</c>, as here (offline).
/// </summary>
public sealed class PackageValidationTests
{
    private static readonly string ApiProject = Path.Combine(RepositoryPaths.Root, "src", "Generated", "KonPro.StreamingAvatar.Api.csproj");

    [Fact]
    public async Task A_pack_validates_against_the_baseline_and_fails_on_a_member_the_release_had()
    {
        var work = Directory.CreateTempSubdirectory("konpro-package-validation-");
        try
        {
            // The same API as the baseline: the pack validates (the validation task runs) and passes.
            var released = Path.Combine(work.FullName, "released");
            (await PackAsync(released, "0.1.0")).ExitCode.Should().Be(0);
            var baseline = Path.Combine(released, "KonPro.StreamingAvatar.Api.0.1.0.nupkg");
            var same = await PackAsync(Path.Combine(work.FullName, "same"), "0.1.1", baseline);
            same.ExitCode.Should().Be(0, same.Output);
            same.Output.Should().Contain("RunPackageValidation:", "the pack validated against the baseline");

            // A release whose client had a method the current one lacks: the pack fails and names it.
            var broken = Path.Combine(work.FullName, "broken.nupkg");
            WriteBaselinePackage(broken, """
                namespace KonPro.Streaming.Api
                {
                    public partial class KonProApiClient
                    {
                        public void PauseSession() { }
                    }
                }
                """);
            var failed = await PackAsync(Path.Combine(work.FullName, "next"), "0.1.1", broken);
            failed.ExitCode.Should().NotBe(0, failed.Output);
            failed.Output.Should().Contain("CP0002").And.Contain("KonProApiClient.PauseSession()");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A package of version 0.1.0 whose lib/net10.0 assembly, named as the client's, is compiled from <paramref name="source"/>.</summary>
    private static void WriteBaselinePackage(string path, string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("KonPro.StreamingAvatar.Api", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var assembly = new MemoryStream();
        var emitted = compilation.Emit(assembly);
        emitted.Success.Should().BeTrue(string.Join('\n', emitted.Diagnostics));

        using var package = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(package.CreateEntry("KonPro.StreamingAvatar.Api.nuspec").Open()))
        {
            nuspec.Write("""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata>
                    <id>KonPro.StreamingAvatar.Api</id>
                    <version>0.1.0</version>
                    <authors>KonPro</authors>
                    <description>The released client (a test's baseline).</description>
                    <dependencies><group targetFramework="net10.0" /></dependencies>
                  </metadata>
                </package>
                """);
        }

        using var dll = package.CreateEntry("lib/net10.0/KonPro.StreamingAvatar.Api.dll").Open();
        assembly.Position = 0;
        assembly.CopyTo(dll);
    }

    private static async Task<(int ExitCode, string Output)> PackAsync(string output, string version, string? baseline = null)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "pack", ApiProject, "--no-build", "-c", configuration, "-o", output, "-p:NuGetAudit=false", $"-p:Version={version}", "-v", "n" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (baseline is not null)
        {
            start.ArgumentList.Add($"-p:PackageValidationBaselinePath={baseline}");
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // bounds the wait only
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
