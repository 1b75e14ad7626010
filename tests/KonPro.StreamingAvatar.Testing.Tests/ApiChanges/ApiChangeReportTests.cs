using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.ApiChanges;

/// <summary>
/// The API change report (eng/api-changes): each case under Cases/ is a small, realistic change of one of our own
/// documents (a JSON Merge Patch, RFC 7386, of the document in openapi/) with the report and exit code it must give.
/// On a difference the report is written beside the case as <c>received.md</c>: review it and, if right, copy it over
/// <c>expected.md</c>.
/// </summary>
public sealed class ApiChangeReportTests
{
    private static readonly string CasesFolder = Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Testing.Tests", "ApiChanges", "Cases");

    public static TheoryData<string> Cases() => [.. CaseNames()];

    private static IEnumerable<string> CaseNames() => Directory.GetDirectories(CasesFolder).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_change_is_reported_and_classified_as_expected(string name)
    {
        var folder = Path.Combine(CasesFolder, name);
        var change = YamlJson.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "change.yaml")));
        var document = (string)change["document"]!;
        using var work = new TempFolder();
        var baseFolder = Directory.CreateDirectory(Path.Combine(work.Path, "base")).FullName;
        var headFolder = Directory.CreateDirectory(Path.Combine(work.Path, "head")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "openapi"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(baseFolder, Path.GetFileName(file)));
            File.Copy(file, Path.Combine(headFolder, Path.GetFileName(file)));
        }

        var original = YamlJson.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "openapi", document)));
        var changed = MergePatch(original, change["patch"]);
        changed.ToJsonString().Should().NotBe(original.ToJsonString(), "the case must change its document");
        await File.WriteAllTextAsync(Path.Combine(headFolder, document), changed.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var run = await ApiChangesTool.RunAsync(work.Path, "--base", "base", "--head", "head", "--surface", "none", "--fake", "none", "--out", "out");

        var report = await File.ReadAllTextAsync(Path.Combine(work.Path, "out", "api-changes.md"));
        var expectedPath = Path.Combine(folder, "expected.md");
        var receivedPath = Path.Combine(folder, "received.md");
        var expected = File.Exists(expectedPath) ? await File.ReadAllTextAsync(expectedPath) : string.Empty;
        if (report != expected)
        {
            await File.WriteAllTextAsync(receivedPath, report);
        }
        else
        {
            File.Delete(receivedPath);
        }

        report.Should().Be(expected, $"the report changed: review {receivedPath} and, if right, copy it over {expectedPath}");
        run.ExitCode.Should().Be((int)change["exit"]!, run.Output);

        // The JSON report says the same as the Markdown one, for CI.
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work.Path, "out", "api-changes.json")));
        var summary = json.RootElement.GetProperty("summary");
        summary.GetProperty("breaksClients").GetBoolean().Should().Be((int)change["exit"]! == 1);
        var changes = json.RootElement.GetProperty("documents").EnumerateArray()
            .Where(d => d.GetProperty("compared").GetBoolean())
            .SelectMany(d => d.GetProperty("changes").EnumerateArray())
            .ToList();
        changes.Should().NotBeEmpty();
        changes.Should().OnlyContain(c => c.GetProperty("document").GetString() == $"openapi/{document}");
        changes.Count(c => c.GetProperty("category").GetString() == "breaking-for-clients").Should().Be(summary.GetProperty("breakingForClients").GetInt32());
    }

    [Fact]
    public void The_cases_cover_every_category_and_document()
    {
        var expected = CaseNames().Select(name => File.ReadAllText(Path.Combine(CasesFolder, name, "expected.md"))).ToList();

        expected.Should().Contain(r => r.Contains("**Breaking for clients**", StringComparison.Ordinal));
        expected.Should().Contain(r => r.Contains("**Breaking for servers**", StringComparison.Ordinal));
        expected.Should().Contain(r => r.Contains("**Compatible**", StringComparison.Ordinal));
        expected.Should().Contain(r => r.Contains("(also breaking for servers)", StringComparison.Ordinal));
        foreach (var document in new[] { "konpro-streaming.yaml", "konpro-chat.asyncapi.yaml", "konpro-realtime.asyncapi.yaml" })
        {
            CaseNames().Select(name => File.ReadAllText(Path.Combine(CasesFolder, name, "change.yaml")))
                .Should().Contain(c => c.Contains($"document: {document}", StringComparison.Ordinal), $"a case changes {document}");
        }
    }

    [Fact]
    public void The_README_sample_shows_the_wire_changes_the_report_gives_for_its_change()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var section = readme[readme.IndexOf("## The API changed: what to do", StringComparison.Ordinal)..];
        var sample = section[(section.IndexOf("```markdown\n", StringComparison.Ordinal) + 12)..];
        sample = sample[..sample.IndexOf("```", StringComparison.Ordinal)];
        var expected = File.ReadAllText(Path.Combine(CasesFolder, "readme-sample", "expected.md"));

        var wire = sample[sample.IndexOf("## Wire changes", StringComparison.Ordinal)..sample.IndexOf("## .NET public API", StringComparison.Ordinal)];
        wire.Should().Contain("**Breaking for clients**");
        foreach (var line in wire.Split('\n').Where(l => l.Length > 0))
        {
            expected.Should().Contain(line + "\n", "the README's sample is the report of the readme-sample case");
        }

        sample[..sample.IndexOf("## Wire changes", StringComparison.Ordinal)].Should().Contain("**4 breaking for clients, 2 breaking for servers, 0 compatible** wire changes");
        expected.Should().Contain("**4 breaking for clients, 2 breaking for servers, 0 compatible** wire changes");
    }

    [Fact]
    public async Task A_base_that_does_not_exist_exits_2_and_says_why()
    {
        using var work = new TempFolder();

        var run = await ApiChangesTool.RunAsync(work.Path, "--base", "no-such-ref-or-file", "--repo", RepositoryPaths.Root, "--surface", "none", "--fake", "none", "--out", "out");

        run.ExitCode.Should().Be(2);
        run.Output.Should().Contain("no-such-ref-or-file is neither a file, a folder nor a git ref");
        File.Exists(Path.Combine(work.Path, "out", "api-changes.md")).Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_option_exits_2()
    {
        using var work = new TempFolder();

        var run = await ApiChangesTool.RunAsync(work.Path, "--base", "HEAD", "--fail-on", "sometimes");

        run.ExitCode.Should().Be(2);
        run.Output.Should().Contain("--fail-on must be breaking, any or none");
    }

    [Theory]
    [InlineData("breaking", "rest-add-operation", 0)]
    [InlineData("any", "rest-add-operation", 1)]
    [InlineData("any", "rest-documentation-only", 1)]
    [InlineData("none", "rest-drop-response-field", 0)]
    [InlineData("breaking", "rest-drop-response-field", 1)]
    public async Task Fail_on_chooses_what_fails_the_run(string failOn, string name, int exitCode)
    {
        var change = YamlJson.Parse(await File.ReadAllTextAsync(Path.Combine(CasesFolder, name, "change.yaml")));
        var document = (string)change["document"]!;
        using var work = new TempFolder();
        var original = YamlJson.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "openapi", document)));
        await File.WriteAllTextAsync(Path.Combine(work.Path, "after.json"), MergePatch(original, change["patch"]).ToJsonString());

        var run = await ApiChangesTool.RunAsync(work.Path, "--base", Path.Combine(RepositoryPaths.Root, "openapi", document), "--head", "after.json", "--surface", "none", "--fake", "none", "--fail-on", failOn, "--out", "out");

        run.ExitCode.Should().Be(exitCode, run.Output);
    }

    /// <summary>RFC 7386: objects merge member by member, <c>null</c> removes a member, anything else replaces.</summary>
    internal static JsonNode MergePatch(JsonNode target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch!.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var merged = MergePatch(result[name] ?? new JsonObject(), value);
                result[name] = merged;
            }
        }

        return result;
    }
}

/// <summary>Runs eng/api-changes/api-changes.mjs (its diff library is installed by this project's build).</summary>
internal static class ApiChangesTool
{
    public static string Script => Path.Combine(RepositoryPaths.Root, "eng", "api-changes", "api-changes.mjs");

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A bound on the wait, not a speed: the probe of the fake starts a process on a machine that may be saturated.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A folder under the system's temporary folder, deleted with everything in it.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("konpro-api-changes-").FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a process may still hold a file for a moment
        }
    }
}
