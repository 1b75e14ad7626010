// KonPro Streaming Avatar SDK build pipeline: Clean -> Restore -> Build -> Test -> Pack, plus Demo and Bench.
// Run with `dotnet tool restore && dotnet cake` (Default = Test) or `dotnet cake --target=Pack`.

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var solution = "./KonPro.StreamingAvatar.slnx";
var artifacts = Directory("./artifacts");
var packages = artifacts + Directory("packages");
var testResults = artifacts + Directory("test-results");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration, Verbosity = DotNetVerbosity.Minimal });
});

Task("Restore")
    .Does(() => DotNetRestore(solution));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("ContinuousIntegrationBuild", "true"),
    });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        ResultsDirectory = testResults,
        Loggers = new[] { "trx", "console;verbosity=minimal" },
    });
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(packages);
    foreach (var project in new[]
    {
        "./src/Generated/KonPro.StreamingAvatar.Api.csproj",
        "./src/Reactive/KonPro.StreamingAvatar.csproj",
        "./src/Testing/KonPro.StreamingAvatar.Testing.csproj",
        "./src/Conversation/KonPro.StreamingAvatar.Conversation.csproj",
        "./tools/KonPro.FakeServer/KonPro.FakeServer.csproj",
    })
    {
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            OutputDirectory = packages,
        });
    }

    Information("Packages in {0}:", packages);
    foreach (var package in GetFiles($"{packages}/*.*nupkg"))
    {
        Information("  {0}", package.GetFilename());
    }
});

Task("Demo")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetRun("./tools/KonPro.Demo/KonPro.Demo.csproj", new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true });
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetRun("./tools/KonPro.Benchmarks/KonPro.Benchmarks.csproj", new ProcessArgumentBuilder().Append("--full"),
        new DotNetRunSettings { Configuration = configuration, NoBuild = true, NoRestore = true });
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
