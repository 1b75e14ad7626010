namespace KonPro.Streaming.TestSupport.Architecture;

/// <summary>What an architecture test prints when the recorded cycles and the assembly disagree. Linked into every test project.</summary>
internal static class FolderCycleReport
{
    /// <summary>The problems, one a line, then a list that would make the test pass, then the whole graph.</summary>
    public static string Of(IReadOnlyDictionary<string, IReadOnlySet<string>> graph, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0)
        {
            return string.Empty;
        }

        var nl = Environment.NewLine;
        return string.Join(nl, problems)
            + nl + nl + "The cycles as they are now (to record only if a new one cannot be avoided):" + nl
            + string.Join(nl, FolderCycles.Cover(graph).Select(c => $"        \"{c}\","))
            + nl + nl + "The folder graph:" + nl
            + string.Join(nl, graph.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"  {e.Key} -> {string.Join(", ", e.Value.Order(StringComparer.Ordinal))}"));
    }
}
