// KonPro Streaming Avatar SDK build pipeline: Clean -> Restore -> Build -> Test -> Pack, plus Demo, Bench, Freshness and ApiChanges.
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

// The fake's LiveKit room and the room tests' client install from their lock files while the registry is reachable.
Task("PrepareRoom")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetExecute($"./tools/KonPro.FakeServer/bin/{configuration}/net10.0/KonPro.FakeServer.dll", "--install-room");
    var npm = StartProcess("npm", new ProcessSettings
    {
        Arguments = "ci --no-audit --no-fund",
        WorkingDirectory = "./tests/KonPro.StreamingAvatar.Testing.Tests/Room/client",
    });
    if (npm != 0)
    {
        throw new Exception($"npm install for the room test client failed ({npm}).");
    }
});

// The tests run inside a network namespace of their own (eng/netns-run, rootless where the kernel allows it): the room
// tests use WebRTC, which ignores loopback, and nothing may send traffic beyond loopback except inside namespaces the run
// creates. KONPRO_ROOM_TESTS=required makes a room test that finds no namespace fail instead of skipping.
Task("Test")
    .IsDependentOn("PrepareRoom")
    .Does(() =>
{
    var exitCode = StartProcess("eng/netns-run", new ProcessSettings
    {
        EnvironmentVariables = new Dictionary<string, string> { ["KONPRO_ROOM_TESTS"] = "required" },
        Arguments = new ProcessArgumentBuilder()
            .Append("dotnet").Append("test").AppendQuoted(solution)
            .Append("--configuration").Append(configuration)
            .Append("--no-build").Append("--no-restore")
            .Append("--results-directory").AppendQuoted(MakeAbsolute(testResults.Path).FullPath)
            .Append("--logger").Append("trx")
            .Append("--logger").AppendQuoted("console;verbosity=minimal"),
    });
    if (exitCode != 0)
    {
        throw new Exception($"dotnet test failed ({exitCode}).");
    }
});

// Package validation runs on every pack (Directory.Build.targets): against KonProReleasedVersion once a release is on the
// feed, or, offline, against the packages in a folder: `dotnet cake --target=Pack --package-baseline=<folder of the last
// release's .nupkg files>`. A breaking change of a package's API then fails the pack.
Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(packages);
    var baseline = Argument("package-baseline", string.Empty);
    foreach (var (project, packageId) in new[]
    {
        ("./src/Generated/KonPro.StreamingAvatar.Api.csproj", "KonPro.StreamingAvatar.Api"),
        ("./src/Reactive/KonPro.StreamingAvatar.csproj", "KonPro.StreamingAvatar"),
        ("./src/LiveKit/KonPro.StreamingAvatar.LiveKit.csproj", "KonPro.StreamingAvatar.LiveKit"),
        ("./src/Testing/KonPro.StreamingAvatar.Testing.csproj", "KonPro.StreamingAvatar.Testing"),
        ("./src/Conversation/KonPro.StreamingAvatar.Conversation.csproj", "KonPro.StreamingAvatar.Conversation"),
        ("./tools/KonPro.FakeServer/KonPro.FakeServer.csproj", "KonPro.StreamingAvatar.FakeServer"),
    })
    {
        var settings = new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            OutputDirectory = packages,
            MSBuildSettings = new DotNetMSBuildSettings(),
        };
        if (baseline != string.Empty)
        {
            // <id>.<version>.nupkg, not <id>.<suffix>.<version>.nupkg of another package whose id starts alike.
            var released = GetFiles($"{baseline}/{packageId}.*.nupkg")
                .Where(f => System.Text.RegularExpressions.Regex.IsMatch(f.GetFilename().FullPath, $"^{System.Text.RegularExpressions.Regex.Escape(packageId)}\\.\\d+\\.\\d+\\.\\d+.*\\.nupkg$"))
                .ToList();
            if (released.Count != 1)
            {
                throw new Exception($"--package-baseline: expected one {packageId}.<version>.nupkg in {baseline}, found {released.Count}.");
            }

            settings.MSBuildSettings.WithProperty("PackageValidationBaselinePath", MakeAbsolute(released[0]).FullPath);
        }

        DotNetPack(project, settings);
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

// Every NuGet and npm dependency behind its newest stable version, and every known vulnerability (a report, never a
// failure): artifacts/freshness/freshness.md and .json. .ci/run prints its summary line.
Task("Freshness")
    .IsDependentOn("Restore")
    .Does(() =>
{
    var exitCode = StartProcess("node", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().Append("eng/freshness.mjs").Append("--out").AppendQuoted(MakeAbsolute(artifacts + Directory("freshness")).FullPath),
    });
    if (exitCode != 0)
    {
        Warning("The freshness check could not run ({0}).", exitCode);
    }
});

// What changed in the API contracts since a base (a git ref, or a spec file or folder), for whom: wire changes classified
// breaking for clients / for servers / compatible, the .NET surface and the version due, the fake's coverage.
// Reports in artifacts/api-changes. `dotnet cake --target=ApiChanges --base=v0.1.0 [--fail-on=breaking|any|none]
// [--surface=build|snapshots|none] [--fake=none]`;
// the exit code is the command's (0 compatible, 1 breaking for clients, 2 could not run).
Task("ApiChanges")
    .Does(() =>
{
    var arguments = new ProcessArgumentBuilder()
        .Append("--base").AppendQuoted(Argument<string>("base"))
        .Append("--fail-on").Append(Argument("fail-on", "breaking"))
        .Append("--surface").Append(Argument("surface", "build"))
        .Append("--out").AppendQuoted(MakeAbsolute(artifacts + Directory("api-changes")).FullPath);
    var fake = Argument("fake", string.Empty);
    if (fake != string.Empty)
    {
        arguments.Append("--fake").AppendQuoted(fake);
    }

    var exitCode = StartProcess("eng/api-changes/run", new ProcessSettings { Arguments = arguments });
    if (exitCode != 0)
    {
        throw new CakeException(exitCode, exitCode == 1
            ? "The API changed in a way that breaks clients: see artifacts/api-changes/api-changes.md."
            : $"The API change report could not be made ({exitCode}).");
    }
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
