using System.Diagnostics;
using System.Text.Json;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.ApiChanges;

/// <summary>
/// The API change command end to end, as a maintainer runs it: on a git ref of a repository (made here, in a
/// temporary folder, so the test needs no network and no clone's history), with the .NET surfaces and the fake.
/// </summary>
public sealed class ApiChangeCommandTests
{
    [Fact]
    public async Task On_a_git_ref_it_reports_the_wire_the_dotnet_surface_the_version_and_the_fake()
    {
        using var work = new TempFolder();
        var repo = Directory.CreateDirectory(Path.Combine(work.Path, "repo")).FullName;
        Git(repo, "init", "--quiet", "--initial-branch=main");
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "openapi"), "*.yaml"))
        {
            Copy(file, Path.Combine(repo, "openapi", Path.GetFileName(file)));
        }

        var apiSnapshot = Path.Combine("tests", "KonPro.StreamingAvatar.Api.Tests", "PublicApi", "KonPro.StreamingAvatar.Api.approved.txt");
        var sdkSnapshot = Path.Combine("tests", "KonPro.StreamingAvatar.Tests", "PublicApi", "KonPro.StreamingAvatar.approved.txt");
        Copy(Path.Combine(RepositoryPaths.Root, apiSnapshot), Path.Combine(repo, apiSnapshot));
        Copy(Path.Combine(RepositoryPaths.Root, sdkSnapshot), Path.Combine(repo, sdkSnapshot));
        await File.WriteAllTextAsync(Path.Combine(repo, "Directory.Build.props"), "<Project><PropertyGroup><Version>0.1.0</Version></PropertyGroup></Project>\n");
        Git(repo, "add", "-A");
        Git(repo, "commit", "--quiet", "-m", "0.1.0");
        Git(repo, "tag", "v0.1.0");

        // The provider drops task's duration_ms and adds an operation; the regenerated client loses a property and its
        // interface gains a method.
        var spec = Path.Combine(repo, "openapi", "konpro-streaming.yaml");
        var text = await File.ReadAllTextAsync(spec);
        text = text.Replace("      required: [task_id, duration_ms]\n", "      required: [task_id]\n", StringComparison.Ordinal)
            .Replace("""
                        duration_ms:
                          type: integer
                          format: int64
                          minimum: 0
                          description: How long the avatar speaks (or, after an interrupt, spoke) for the task, in milliseconds.
                          example: 1840

                """, string.Empty, StringComparison.Ordinal)
            .Replace("  /v1/streaming/interrupt:\n", """
                  /v1/streaming/pause:
                    post:
                      operationId: pauseSession
                      summary: Pause a session
                      responses:
                        '200': { $ref: '#/components/responses/StatusOk' }
                  /v1/streaming/interrupt:

                """, StringComparison.Ordinal);
        await File.WriteAllTextAsync(spec, text);
        var api = await File.ReadAllTextAsync(Path.Combine(repo, apiSnapshot));
        var property = """
                    [System.Text.Json.Serialization.JsonPropertyName("duration_ms")]
                    [System.Text.Json.Serialization.JsonRequired]
                    public long DurationMs { get; set; }

            """;
        api.Should().Contain(property);
        const string Interface = "    public interface IKonProApiClient\n    {\n";
        api.Should().Contain(Interface);
        api = api.Replace(property, string.Empty, StringComparison.Ordinal)
            .Replace(Interface, Interface + "        System.Threading.Tasks.Task<KonPro.Streaming.Api.StatusResponse> PauseSessionAsync(KonPro.Streaming.Api.SessionIdRequest body, System.Threading.CancellationToken cancellationToken = default);\n", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(repo, apiSnapshot), api);
        Git(repo, "commit", "--quiet", "-am", "the provider's new spec");

        var run = await ApiChangesTool.RunAsync(work.Path, "--repo", repo, "--base", "v0.1.0", "--surface", "snapshots", "--fake", FakeServerTool(), "--out", "out");

        run.ExitCode.Should().Be(1, run.Output);
        var report = await File.ReadAllTextAsync(Path.Combine(work.Path, "out", "api-changes.md"));
        report.Should().StartWith("# API changes\n\nBase: `v0.1.0 (");
        report.Should().Contain("- `POST /v1/streaming/task: response 200 properties.data.properties.duration_ms`: remove: property `duration_ms` from `data`");
        report.Should().Contain("**Breaking for servers**\n\n- `POST /v1/streaming/pause`: add: operation POST /v1/streaming/pause");
        report.Should().Contain("- KonPro.StreamingAvatar.Api: **major** (1 removed or changed, 1 added to implement, 0 added)");
        report.Should().Contain("  - added, and every implementation must provide it: `namespace KonPro.Streaming.Api :: public interface IKonProApiClient :: System.Threading.Tasks.Task<KonPro.Streaming.Api.StatusResponse> PauseSessionAsync(");
        report.Should().Contain("  - removed: `namespace KonPro.Streaming.Api :: public class TaskData :: [System.Text.Json.Serialization.JsonPropertyName(\"duration_ms\")] [System.Text.Json.Serialization.JsonRequired] public long DurationMs { get; set; }`");
        report.Should().Contain("- KonPro.StreamingAvatar: **patch** (0 removed or changed, 0 added to implement, 0 added)");
        report.Should().Contain("version due: **major** (0.1.0 -> 0.2.0");
        report.Should().Contain("16 of 17 operations served with every documented response field.");
        report.Should().Contain("- `pauseSession` (POST /v1/streaming/pause): **not served** (the fake has no route for it)");

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work.Path, "out", "api-changes.json")));
        json.RootElement.GetProperty("summary").GetProperty("nextVersion").GetString().Should().Be("0.2.0");
        json.RootElement.GetProperty("fake").GetProperty("operations").EnumerateArray()
            .Single(o => o.GetProperty("operation").GetString() == "pauseSession").GetProperty("served").GetBoolean().Should().BeFalse();
    }

    [Theory]
    [InlineData("KonPro.StreamingAvatar.Api", "tests/KonPro.StreamingAvatar.Api.Tests/PublicApi/KonPro.StreamingAvatar.Api.approved.txt")]
    [InlineData("KonPro.StreamingAvatar", "tests/KonPro.StreamingAvatar.Tests/PublicApi/KonPro.StreamingAvatar.approved.txt")]
    public async Task The_surface_tool_prints_what_the_public_api_tests_approve(string package, string snapshot)
    {
        // The command compares a build's surface (this tool) with the approved snapshots of another commit: the two
        // must be printed alike, or every run would report changes that are not there.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltTool("KonPro.ApiSurface"));
        start.ArgumentList.Add(package);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(0, error);
        output.Should().Be((await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, snapshot))).ReplaceLineEndings("\n"));
    }

    private static string FakeServerTool() => BuiltTool("KonPro.FakeServer");

    /// <summary>tools/&lt;name&gt;/bin/&lt;configuration&gt;/net10.0/&lt;name&gt;.dll, built before the tests (a project reference).</summary>
    private static string BuiltTool(string name)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryPaths.Root, "tools", name, "bin", testDir.Parent!.Name, testDir.Name, name + ".dll");
        File.Exists(path).Should().BeTrue(path);
        return path;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    private static void Git(string repo, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in new[] { ("GIT_AUTHOR_NAME", "KonPro"), ("GIT_AUTHOR_EMAIL", "sdk@konpro.invalid"), ("GIT_COMMITTER_NAME", "KonPro"), ("GIT_COMMITTER_EMAIL", "sdk@konpro.invalid"), ("GIT_CONFIG_NOSYSTEM", "1"), ("HOME", repo) })
        {
            start.Environment[key] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"git {string.Join(' ', arguments)}: {error}");
    }
}
