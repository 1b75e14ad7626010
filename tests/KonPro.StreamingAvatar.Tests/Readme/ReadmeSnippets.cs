using System.Text.RegularExpressions;
using KonPro.Streaming.TestSupport;

namespace ReadmeSamples;

/// <summary>
/// The README's code blocks are regions of test sources (<c>// README:name</c> … <c>// README:end</c>): the tests run
/// them, and <see cref="ShouldAppearUnder"/> checks the README shows them verbatim under their heading.
/// </summary>
internal static partial class ReadmeSnippets
{
    public static void ShouldAppearUnder(string region, string sourceFile, string heading)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Tests", "Readme", sourceFile));

        var match = Regex.Match(source, $@"// README:{Regex.Escape(region)}\r?\n(?<code>.*?)\r?\n\s*// README:end", RegexOptions.Singleline);
        match.Success.Should().BeTrue($"{sourceFile} has a README:{region} region");
        var lines = match.Groups["code"].Value.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd()).ToList();
        var indent = lines.Min(l => l.Length - l.TrimStart().Length);
        var expected = string.Join('\n', lines.Select(l => l[indent..]));

        var section = Regex.Match(readme, $@"\n## {Regex.Escape(heading)}\r?\n(?<body>.*?)(\n## |\z)", RegexOptions.Singleline);
        section.Success.Should().BeTrue($"the README has a section '## {heading}'");
        var blocks = CodeBlock().Matches(section.Groups["body"].Value)
            .Select(m => string.Join('\n', m.Groups["code"].Value.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd())));

        blocks.Should().Contain(block => block.Contains(expected, StringComparison.Ordinal), $"the README's '{heading}' section shows the README:{region} region of {sourceFile} verbatim");
    }

    [GeneratedRegex(@"```csharp\r?\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
