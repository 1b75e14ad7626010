using KonPro.Streaming.TestSupport.Architecture;

namespace KonPro.Streaming.Tests.Architecture;

/// <summary>The cycle finder and the ratchet of the architecture tests, over small graphs written out here.</summary>
public sealed class FolderCyclesTests
{
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> Graph(params string[] edges)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            var (from, to) = (edge.Split("->", StringSplitOptions.TrimEntries)[0], edge.Split("->", StringSplitOptions.TrimEntries)[1]);
            graph.TryAdd(from, []);
            graph.TryAdd(to, []);
            graph[from].Add(to);
        }

        return graph.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value);
    }

    [Fact]
    public void A_graph_without_cycles_has_no_cyclic_edges_and_passes_with_an_empty_list()
    {
        var graph = Graph("Client -> Session", "Session -> Events", "Client -> Events");

        FolderCycles.CyclicEdges(graph).Should().BeEmpty();
        FolderCycles.Compare(graph, []).Should().BeEmpty();
    }

    [Fact]
    public void The_edges_of_two_and_three_folder_cycles_are_found_and_no_others()
    {
        var graph = Graph("A -> B", "B -> A", "B -> C", "C -> D", "D -> E", "E -> C", "A -> E");

        FolderCycles.CyclicEdges(graph).Should().BeEquivalentTo([("A", "B"), ("B", "A"), ("C", "D"), ("D", "E"), ("E", "C")]);
        FolderCycles.Cover(graph).Should().Equal("A -> B -> A", "C -> D -> E -> C");
    }

    [Fact]
    public void A_cycle_missing_from_the_list_fails_and_is_named()
    {
        var graph = Graph("Events -> Speaking", "Speaking -> Events", "Client -> Session", "Session -> Client");

        FolderCycles.Compare(graph, ["Events -> Speaking -> Events"]).Should().Equal(
            "A new cycle: Client -> Session -> Client.",
            "A new cycle: Session -> Client -> Session.");
    }

    [Fact]
    public void A_new_cycle_through_folders_already_on_recorded_cycles_fails()
    {
        // A <-> B and B <-> C are recorded; C -> A is new and closes A -> B -> C -> A with one new edge.
        var graph = Graph("A -> B", "B -> A", "B -> C", "C -> B", "C -> A");

        FolderCycles.Compare(graph, ["A -> B -> A", "B -> C -> B"]).Should().Equal("A new cycle: C -> A -> B -> C.");
    }

    [Fact]
    public void A_recorded_cycle_that_no_longer_exists_fails_so_the_list_shrinks()
    {
        var graph = Graph("Events -> Speaking", "Speaking -> Events", "Client -> Session");

        FolderCycles.Compare(graph, ["Events -> Speaking -> Events", "Client -> Session -> Client"]).Should().Equal(
            "The recorded cycle 'Client -> Session -> Client' no longer exists (gone: Session -> Client): remove it from the list.");
    }

    [Fact]
    public void A_recorded_entry_that_is_not_a_cycle_fails()
    {
        FolderCycles.Compare(Graph("A -> B"), ["A -> B"]).Should().Equal("'A -> B' is not written as a cycle (A -> B -> A).");
    }

    [Fact]
    public void Recording_every_cycle_of_the_cover_passes()
    {
        var graph = Graph("A -> B", "B -> C", "C -> A", "C -> D", "D -> C", "D -> E");

        FolderCycles.Compare(graph, FolderCycles.Cover(graph)).Should().BeEmpty();
    }
}
