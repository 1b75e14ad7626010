using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Packaging;

/// <summary>
/// What NuGet shows and what a debugger finds: every package carries a short README of its own and the icon, and the
/// symbols map sources to the public repository at the built commit (Source Link).
/// </summary>
public sealed partial class PackageContentTests
{
    // Words that belong to the repository's contributor documentation, never to a package page.
    private static readonly string[] ContributorWords = ["netns", "dotnet cake", "from a clone", ".ci/run", "eng/"];

    public static TheoryData<string> PackableProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
                     .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Where(path => XDocument.Load(path).Descendants("PackageId").Any())
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, project));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PackableProjects))]
    public void Every_package_has_a_short_readme_of_its_own_that_installs_that_package(string project)
    {
        var packageId = XDocument.Load(Path.Combine(RepositoryPaths.Root, project)).Descendants("PackageId").Single().Value;
        var readmePath = Path.Combine(RepositoryPaths.Root, Path.GetDirectoryName(project)!, "README.md");

        File.Exists(readmePath).Should().BeTrue($"{packageId} packs the README.md beside its project file");
        var readme = File.ReadAllText(readmePath);
        readme.Should().StartWith($"# {packageId}\n");
        readme.Length.Should().BeLessThan(4096, "a package page says what it is, how to install it, the smallest example and links");
        readme.Should().MatchRegex($@"dotnet (add package|tool install --global) {Regex.Escape(packageId)}\b");
        readme.Should().MatchRegex("```(csharp|bash)\n", "it shows the smallest example");
        foreach (var word in ContributorWords)
        {
            readme.Should().NotContain(word, "contributor instructions stay in the repository's README");
        }
    }

    [Fact]
    public async Task The_sdk_package_carries_its_own_readme_the_icon_and_source_linked_symbols()
    {
        var output = Directory.CreateTempSubdirectory("konpro-pack-");
        try
        {
            var project = Path.Combine(RepositoryPaths.Root, "src", "Reactive", "KonPro.StreamingAvatar.csproj");
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
            await PackAsync(project, configuration, output.FullName);

            var package = Directory.GetFiles(output.FullName, "KonPro.StreamingAvatar.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
            using (var nupkg = ZipFile.OpenRead(package))
            {
                var nuspec = XDocument.Load(nupkg.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
                var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                Element(metadata, "readme").Should().Be("README.md");
                Element(metadata, "icon").Should().Be("icon.png");
                var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
                repository.Attribute("url")!.Value.Should().StartWith("https://github.com/");
                repository.Attribute("commit")!.Value.Should().MatchRegex("^[0-9a-f]{40}$");

                using var readme = new StreamReader(nupkg.GetEntry("README.md")!.Open());
                (await readme.ReadToEndAsync()).Should().Be(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "src", "Reactive", "README.md")));
                nupkg.GetEntry("icon.png")!.Length.Should().BeGreaterThan(0);
            }

            using var symbols = ZipFile.OpenRead(Path.ChangeExtension(package, ".snupkg"));
            var pdbEntry = symbols.Entries.Single(e => e.FullName.EndsWith("KonPro.StreamingAvatar.pdb", StringComparison.Ordinal));
            using var pdbStream = new MemoryStream();
            await using (var entry = pdbEntry.Open())
            {
                await entry.CopyToAsync(pdbStream);
            }

            pdbStream.Position = 0;
            SourceLinkOf(pdbStream).Should().MatchRegex(@"https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/\*");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string? Element(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string SourceLinkOf(Stream pdb)
    {
        // The Source Link JSON is a custom debug information blob of the module (its kind is a fixed GUID).
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb, MetadataStreamOptions.LeaveOpen);
        var reader = provider.GetMetadataReader();
        foreach (var handle in reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == sourceLinkKind)
            {
                return System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        throw new InvalidOperationException("The PDB carries no Source Link information.");
    }

    private static async Task PackAsync(string project, string configuration, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "pack", project, "--no-build", "-c", configuration, "-o", output, "-p:NuGetAudit=false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // bounds the wait only
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, $"dotnet pack succeeds:\n{await stdout}\n{await stderr}");
    }
}
