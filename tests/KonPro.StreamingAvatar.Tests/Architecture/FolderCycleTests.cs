using KonPro.Streaming.TestSupport.Architecture;

namespace KonPro.Streaming.Tests.Architecture;

/// <summary>
/// The SDK's top-level folders (src/Reactive) must not depend on each other in circles (issue 19). The list of
/// recorded cycles is empty; the test fails on any cycle, and on a recorded one that no longer exists.
/// </summary>
public sealed class FolderCycleTests
{
    /// <summary>
    /// The cycles between src/Reactive's folders that are allowed: none. The layers run one way, from the vocabulary
    /// (Models) through Diagnostics, Errors, Http, Events, Speaking, Realtime, Voice, Rooms, Requests and Session to the
    /// facade (Client) and what is built on it (RealtimeAudio, ModelFactory, DependencyInjection); see README's layout
    /// section and docs/adr/0017.
    /// </summary>
    private static readonly string[] KnownCycles = [];

    [Fact]
    public void The_sdk_folders_have_no_cycles_but_the_recorded_ones()
    {
        var graph = FolderGraph.Read(typeof(StreamingAvatar).Assembly, "src/Reactive");

        FolderCycleReport.Of(graph, FolderCycles.Compare(graph, KnownCycles)).Should().BeEmpty();
    }

    [Fact]
    public void The_reader_sees_each_folder_and_what_it_uses()
    {
        var graph = FolderGraph.Read(typeof(StreamingAvatar).Assembly, "src/Reactive");

        graph.Keys.Should().Contain(["Client", "Events", "Realtime", "Session", "Speaking", "Voice"], Describe(graph));
        graph["Client"].Should().Contain("Session", "StreamingAvatar is a facade over SessionEngine. " + Describe(graph));
        graph["Realtime"].Should().Contain("Events", "the chat socket parses StreamingEvents. " + Describe(graph));
    }

    internal static string Describe(IReadOnlyDictionary<string, IReadOnlySet<string>> graph) =>
        "the folder graph is:" + Environment.NewLine + string.Join(Environment.NewLine, graph.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"  {e.Key} -> {string.Join(", ", e.Value.Order(StringComparer.Ordinal))}"));
}
