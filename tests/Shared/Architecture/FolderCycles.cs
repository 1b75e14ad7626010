namespace KonPro.Streaming.TestSupport.Architecture;

/// <summary>
/// Cycles in a folder graph, and the ratchet that compares them with a recorded list. A cycle is recorded as the
/// folders it passes through, in order, such as <c>"Events -> Speaking -> Events"</c>. Every edge that lies on some
/// cycle must belong to a recorded cycle (so a new cycle, which always adds such an edge, fails), and every recorded
/// cycle must still exist (so a cycle that a refactor broke must leave the list). Linked into every test project.
/// </summary>
internal static class FolderCycles
{
    /// <summary>The edges <c>(from, to)</c> that lie on at least one cycle: those inside a strongly connected component.</summary>
    public static IReadOnlySet<(string From, string To)> CyclicEdges(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var component = StronglyConnectedComponents(graph);
        var edges = new HashSet<(string, string)>();
        foreach (var (from, targets) in graph)
        {
            foreach (var to in targets)
            {
                if (from != to && component.TryGetValue(to, out var c) && c == component[from])
                {
                    edges.Add((from, to));
                }
            }
        }

        return edges;
    }

    /// <summary>
    /// What is wrong between <paramref name="graph"/> and the <paramref name="recorded"/> cycles; empty when they agree.
    /// Each problem is one readable line.
    /// </summary>
    public static IReadOnlyList<string> Compare(IReadOnlyDictionary<string, IReadOnlySet<string>> graph, IEnumerable<string> recorded)
    {
        var problems = new List<string>();
        var covered = new HashSet<(string, string)>();
        foreach (var cycle in recorded)
        {
            var folders = cycle.Split("->", StringSplitOptions.TrimEntries);
            if (folders.Length < 3 || folders[0] != folders[^1])
            {
                problems.Add($"'{cycle}' is not written as a cycle (A -> B -> A).");
                continue;
            }

            var missing = folders.Zip(folders.Skip(1))
                .Where(e => !graph.TryGetValue(e.First, out var targets) || !targets.Contains(e.Second))
                .Select(e => $"{e.First} -> {e.Second}")
                .ToList();
            if (missing.Count > 0)
            {
                problems.Add($"The recorded cycle '{cycle}' no longer exists (gone: {string.Join(", ", missing)}): remove it from the list.");
            }
            else
            {
                covered.UnionWith(folders.Zip(folders.Skip(1)));
            }
        }

        foreach (var (from, to) in CyclicEdges(graph).Where(e => !covered.Contains(e)).OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal))
        {
            problems.Add($"A new cycle: {from} -> {to} -> {string.Join(" -> ", ShortestPath(graph, to, from).Skip(1))}.");
        }

        return problems;
    }

    /// <summary>
    /// A list of cycles that covers every edge on a cycle, each the shortest through its first edge, shortest first:
    /// what to record when the list must be rewritten (the test prints it when it fails).
    /// </summary>
    public static IReadOnlyList<string> Cover(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var candidates = CyclicEdges(graph)
            .Select(e => (IReadOnlyList<string>)[e.From, .. ShortestPath(graph, e.To, e.From)])
            .OrderBy(c => c.Count)
            .ThenBy(c => string.Join(" ", c), StringComparer.Ordinal)
            .ToList();
        var covered = new HashSet<(string, string)>();
        var cover = new List<string>();
        foreach (var cycle in candidates)
        {
            var edges = cycle.Zip(cycle.Skip(1)).ToList();
            if (!edges.All(covered.Contains))
            {
                covered.UnionWith(edges);
                cover.Add(string.Join(" -> ", cycle));
            }
        }

        return cover;
    }

    /// <summary>The folders from <paramref name="from"/> to <paramref name="to"/> along a shortest path, both included.</summary>
    public static IReadOnlyList<string> ShortestPath(IReadOnlyDictionary<string, IReadOnlySet<string>> graph, string from, string to)
    {
        var previous = new Dictionary<string, string?> { [from] = null };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var folder))
        {
            if (folder == to)
            {
                var path = new List<string>();
                for (string? at = to; at is not null; at = previous[at])
                {
                    path.Add(at);
                }

                path.Reverse();
                return path;
            }

            foreach (var next in graph.GetValueOrDefault(folder) ?? new HashSet<string>())
            {
                if (previous.TryAdd(next, folder))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return [];
    }

    /// <summary>Tarjan's algorithm: the component number of each folder.</summary>
    private static Dictionary<string, int> StronglyConnectedComponents(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var onStack = new HashSet<string>();
        var stack = new Stack<string>();
        var component = new Dictionary<string, int>();
        var components = 0;

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            onStack.Add(folder);
            foreach (var next in graph.GetValueOrDefault(folder) ?? new HashSet<string>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], index[next]);
                }
            }

            if (low[folder] == index[folder])
            {
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component[member] = components;
                }
                while (member != folder);
                components++;
            }
        }

        foreach (var folder in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return component;
    }
}
