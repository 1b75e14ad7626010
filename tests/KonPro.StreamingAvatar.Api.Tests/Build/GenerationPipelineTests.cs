using System.Diagnostics;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.Build;

/// <summary>
/// The REST client is generated from the spec at build time: these tests build a copy of the Api project
/// in a temporary folder, so they can edit the spec without touching the repository.
/// </summary>
[Trait("Category", "Build")]
public sealed class GenerationPipelineTests : IDisposable
{
    // Bounds each nested build, never a speed: on a saturated machine (a load of ~50 on 2 cores) one took more than 5 min.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("konpro-gen-");

    [Fact]
    public async Task The_client_is_generated_at_build_time_incrementally_and_follows_the_spec()
    {
        CopyBuildInputs();
        var generated = Path.Combine(_work.FullName, "src", "Generated", "obj", "Generated", "KonProApiClient.g.cs");

        var first = await BuildAsync();
        first.Should().Contain("generating the REST client");
        File.ReadAllText(generated).Should().Contain("KeepAliveAsync(");
        var firstWrite = File.GetLastWriteTimeUtc(generated);

        var second = await BuildAsync();
        second.Should().NotContain("generating the REST client")
            .And.Contain("Skipping target \"GenerateKonProApiClient\" because all output files are up-to-date");
        File.GetLastWriteTimeUtc(generated).Should().Be(firstWrite);

        var spec = Path.Combine(_work.FullName, "openapi", "konpro-streaming.yaml");
        File.WriteAllText(spec, File.ReadAllText(spec).Replace("operationId: keepAlive", "operationId: keepSessionAlive", StringComparison.Ordinal));
        var third = await BuildAsync();
        third.Should().Contain("generating the REST client");
        var client = File.ReadAllText(generated);
        client.Should().Contain("KeepSessionAliveAsync(").And.NotContain(" KeepAliveAsync(");
    }

    [Fact]
    public void No_generated_code_or_build_output_is_tracked_by_git()
    {
        var tracked = Run("git", "ls-files", RepositoryPaths.Root, TimeSpan.FromMinutes(1));

        tracked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().NotBeEmpty()
            .And.NotContain(path => path.EndsWith(".g.cs", StringComparison.Ordinal)
                || path.Contains("/obj/", StringComparison.Ordinal)
                || path.Contains("/bin/", StringComparison.Ordinal)
                || path.StartsWith("src/Generated/obj", StringComparison.Ordinal));
    }

    public void Dispose() => _work.Delete(recursive: true);

    private void CopyBuildInputs()
    {
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "README.md" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(_work.FullName, file));
        }

        CopyDirectory(Path.Combine(RepositoryPaths.Root, "openapi"), Path.Combine(_work.FullName, "openapi"));
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "src", "Generated"), Path.Combine(_work.FullName, "src", "Generated"));
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "src", "Custom"), Path.Combine(_work.FullName, "src", "Custom"));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyDirectory(directory, Path.Combine(to, name));
            }
        }
    }

    private async Task<string> BuildAsync()
    {
        var result = await Task.Run(() => Run(
            "dotnet", "build src/Generated -v:n -nologo -p:UseSharedCompilation=false -nodeReuse:false", _work.FullName, BuildTimeout));
        result.ExitCode.Should().Be(0, result.Output);
        return result.Output;
    }

    private static (int ExitCode, string Output) Run(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} did not finish within {timeout}.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
