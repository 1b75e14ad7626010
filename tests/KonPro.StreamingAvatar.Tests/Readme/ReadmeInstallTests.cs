using System.Text.RegularExpressions;
using System.Xml.Linq;
using KonPro.Streaming.TestSupport;

namespace ReadmeSamples;

/// <summary>The README's install section names packages and a tool command that the repository really packs.</summary>
public sealed partial class ReadmeInstallTests
{
    [Fact]
    public void Every_package_the_README_names_is_packed_by_a_project_of_the_repository()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var packed = PackableProjects().Select(p => p.PackageId).ToHashSet();

        var named = PackageCommand().Matches(readme).Select(m => m.Groups["id"].Value).ToList();

        named.Should().NotBeEmpty("the README tells users how to install the packages");
        named.Should().OnlyContain(id => packed.Contains(id), $"the packed ids are {string.Join(", ", packed)}");
        named.Should().Contain(["KonPro.StreamingAvatar", "KonPro.StreamingAvatar.Testing", "KonPro.StreamingAvatar.FakeServer"]);
    }

    [Fact]
    public void The_README_runs_the_fake_server_tool_by_its_command_name()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var tool = PackableProjects().Single(p => p.ToolCommand is not null);

        readme.Should().Contain($"dotnet tool install --global {tool.PackageId}");
        readme.Should().Contain($"\n{tool.ToolCommand} --port");
    }

    private static IEnumerable<(string PackageId, string? ToolCommand)> PackableProjects() =>
        Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(XDocument.Load)
            .Select(doc => (Id: doc.Descendants("PackageId").FirstOrDefault()?.Value, Tool: doc.Descendants("ToolCommandName").FirstOrDefault()?.Value))
            .Where(p => p.Id is not null)
            .Select(p => (p.Id!, p.Tool));

    [GeneratedRegex(@"dotnet (?:add package|tool install --global) (?<id>[A-Za-z0-9.]+)")]
    private static partial Regex PackageCommand();
}
