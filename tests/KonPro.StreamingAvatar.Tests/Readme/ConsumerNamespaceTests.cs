using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KonPro.Streaming.Tests.Readme;

/// <summary>
/// A user's project whose own namespaces contain <c>KonPro</c> or <c>StreamingAvatar</c> compiles against the SDK and
/// runs the quick start: the SDK's namespaces never share a name with its types (no CS0118).
/// </summary>
public sealed class ConsumerNamespaceTests
{
    private const string QuickStart = """
        public static async System.Threading.Tasks.Task<string> RunAsync(string apiKey, string baseUrl)
        {
            using var admin = new KonProAdminClient(apiKey, baseUrl);
            var token = await admin.CreateTokenAsync();
            await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = baseUrl });
            await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default", Language = "en" });
            var speech = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello there!", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
            var result = await speech.Completed;
            await avatar.StopAvatarAsync();
            return result.Outcome.ToString();
        }
        """;

    public static TheoryData<string, string> Consumers => new()
    {
        {
            "Contoso.KonPro.Bot",
            $$"""
            using KonPro.Streaming;
            using KonPro.Streaming.Admin;

            namespace Contoso.KonPro.Bot;

            public static class Program
            {
            {{QuickStart}}
            }
            """
        },
        {
            // Inside a namespace of the user's own named StreamingAvatar, the name binds to that namespace before any
            // file-level using is consulted (C#'s lookup rules); a using inside the namespace (the SA1200 style) finds the type.
            "Contoso.StreamingAvatar.Bot",
            $$"""
            namespace Contoso.StreamingAvatar.Bot
            {
                using KonPro.Streaming;
                using KonPro.Streaming.Admin;

                public static class Program
                {
                {{QuickStart}}
                }
            }
            """
        },
        {
            "KonPro.Bot",
            $$"""
            using KonPro.Streaming;
            using KonPro.Streaming.Admin;

            namespace KonPro.Bot;

            public static class Program
            {
            {{QuickStart}}
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Consumers))]
    public async Task A_project_in_its_own_namespace_compiles_and_runs_the_quick_start(string @namespace, string source)
    {
        var assembly = Compile(@namespace, source);
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });

        var run = assembly.GetType($"{@namespace}.Program")!.GetMethod("RunAsync")!;
        var outcome = await (Task<string>)run.Invoke(null, [server.ApiKey, server.Url])!;

        outcome.Should().Be("Completed");
    }

    [Fact]
    public void The_README_quick_start_compiles_with_the_usings_it_shows_and_needs_each_of_them()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var section = Regex.Match(readme, @"\n## Quick start\n.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        section.Success.Should().BeTrue("the README has a Quick start section with a C# block");
        var lines = section.Groups["code"].Value.Split('\n');
        var usings = lines.Where(l => Regex.IsMatch(l, @"^using [\w.]+;")).ToList();
        var body = string.Join('\n', lines.Where(l => !usings.Contains(l)));
        usings.Select(u => u.Split(';')[0]).Should().Equal("using KonPro.Streaming", "using KonPro.Streaming.Admin", "using KonPro.Streaming.Events");

        // As a console project with the SDK's implicit usings sees it (System, System.Threading.Tasks, ...).
        string Program(IEnumerable<string> shown) => $$"""
            global using System;
            global using System.Threading.Tasks;
            {{string.Join('\n', shown)}}

            namespace Contoso.Bot;

            public static class Program
            {
                public static async Task RunAsync(string apiKey, string baseUrl)
                {
            {{body}}
                }
            }
            """;

        Compile("Contoso.Bot", Program(usings));
        foreach (var line in usings)
        {
            CompileErrors("Contoso.Bot", Program(usings.Where(u => u != line))).Should().NotBeEmpty($"the quick start needs '{line}'");
        }
    }

    private static Assembly Compile(string name, string source)
    {
        var references = References();
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);

        emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).Should().BeEmpty();
        image.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(image);
    }

    private static List<string> CompileErrors(string name, string source) =>
        CSharpCompilation.Create(
                name,
                [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
                References(),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable))
            .GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

    // Every assembly the test host can load (the runtime's and the SDK's), as a project referencing the SDK sees them.
    private static IEnumerable<MetadataReference> References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => MetadataReference.CreateFromFile(path));
}
