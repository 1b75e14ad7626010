using KonPro.Streaming.TestSupport.Architecture;

namespace KonPro.Streaming.Tests.Architecture;

/// <summary>
/// The SDK's top-level folders (src/Reactive) must not depend on each other in circles (issue 19). The cycles that
/// exist today are recorded below; the test fails on any new one, and on a recorded one that no longer exists, so the
/// list only shrinks as the folders are untangled.
/// </summary>
public sealed class FolderCycleTests
{
    /// <summary>The cycles between src/Reactive's folders today, each as the folders it passes through.</summary>
    private static readonly string[] KnownCycles =
    [
        // Two folders that use each other.
        "Client -> Events -> Client",
        "Client -> Realtime -> Client",         // the facade opens the chat socket; RealtimeAudioSocket.OpenAsync takes a StreamingAvatar
        "Events -> Models -> Events",           // StreamingAvatarModelFactory (Models/) builds events
        "Events -> Speaking -> Events",
        "Models -> Rooms -> Models",
        "Realtime -> Voice -> Realtime",
        // Longer cycles: most pass through Models/, whose StreamingAvatarModelFactory builds the types of most folders.
        "Admin -> Client -> Models -> Admin",
        "Admin -> Diagnostics -> Models -> Admin",
        "Client -> Speaking -> Events -> Client",
        "Client -> Voice -> Realtime -> Client",
        "Diagnostics -> Models -> Events -> Diagnostics",
        "Errors -> Diagnostics -> Models -> Errors",
        "Events -> Rooms -> Models -> Events",
        "Models -> Operators -> Events -> Models",
        "Models -> Speaking -> Events -> Models",
        "Realtime -> Events -> Client -> Realtime",
        "Session -> Events -> Client -> Session",
        "Session -> Realtime -> Client -> Session", // Client -> Session: StreamingAvatar is a facade over SessionEngine
        "Admin -> Errors -> Diagnostics -> Models -> Admin",
        "Admin -> Http -> Diagnostics -> Models -> Admin",
        "Client -> Diagnostics -> Models -> Events -> Client",
        "Client -> Requests -> Models -> Events -> Client",
        "Client -> Rooms -> Models -> Events -> Client",
        "Realtime -> Models -> Rooms -> Voice -> Realtime",
        "Realtime -> Speaking -> Events -> Client -> Realtime",
        "Requests -> Voice -> Realtime -> Client -> Requests",
        "Session -> Models -> Events -> Client -> Session",
        "Session -> Speaking -> Events -> Client -> Session",
        "Session -> Voice -> Realtime -> Client -> Session",
        "Voice -> Diagnostics -> Models -> Rooms -> Voice",
        "Client -> Http -> Diagnostics -> Models -> Events -> Client",
        "Http -> Errors -> Diagnostics -> Models -> Admin -> Http",
        "Realtime -> Diagnostics -> Models -> Rooms -> Voice -> Realtime",
        "Session -> Diagnostics -> Models -> Events -> Client -> Session",
        "Session -> Requests -> Models -> Events -> Client -> Session",
        "Session -> Rooms -> Models -> Events -> Client -> Session",
        "Session -> Errors -> Diagnostics -> Models -> Events -> Client -> Session",
        "Session -> Http -> Diagnostics -> Models -> Events -> Client -> Session",
    ];

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
