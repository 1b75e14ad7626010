using KonPro.Streaming.TestSupport.Architecture;

namespace KonPro.Streaming.Testing.Tests.Architecture;

/// <summary>
/// The fake's top-level folders (src/Testing) must not depend on each other in circles (issue 19). The cycles that
/// exist today are recorded below; the test fails on any new one, and on a recorded one that no longer exists, so the
/// list only shrinks as the fake is layered.
/// </summary>
public sealed class FolderCycleTests
{
    /// <summary>The cycles between src/Testing's folders today, each as the folders it passes through.</summary>
    private static readonly string[] KnownCycles =
    [
        // (root) holds the server, its options and the assembly's Log: it composes every folder, and every folder
        // logs through Log or reads the options, so each folder that does forms a cycle with it.
        "(root) -> Chat -> (root)",
        "(root) -> Cors -> (root)",
        "(root) -> Realtime -> (root)",
        "(root) -> Recording -> (root)",
        "(root) -> Rest -> (root)",
        "(root) -> Room -> (root)",
        "(root) -> Sessions -> (root)",
        "(root) -> Speech -> (root)",
        "(root) -> Tls -> (root)",
        // The cycles issue 19 names: sessions hold the chat connection, the room and the speech playback, which
        // each reach back into the session; the chat socket triggers faults that write to the chat socket.
        "Chat -> Faults -> Chat",
        "Chat -> Sessions -> Chat",
        "Chat -> Speech -> Chat",
        "Room -> Sessions -> Room",
        "Sessions -> Speech -> Sessions",
        "Rest -> Room -> Rest",                 // REST creates rooms; the room serves its REST endpoints
        "Journal -> Room -> Journal",           // the journal records room traffic; the room writes to the journal
        "Cors -> Room -> Cors",
        "Room -> Tls -> Room",
        // Longer cycles, most through (root).
        "(root) -> Faults -> Chat -> (root)",
        "(root) -> Journal -> Room -> (root)",
        "Faults -> Sessions -> (root) -> Faults",
        "Realtime -> Room -> (root) -> Realtime",
        "Realtime -> Sessions -> (root) -> Realtime",
        "Recording -> Rest -> (root) -> Recording",
        "Recording -> Room -> (root) -> Recording",
        "Rest -> Journal -> Room -> Rest",      // with Rest -> Room -> Rest: the Journal <-> Rest
        "Rest -> Realtime -> (root) -> Rest",
        "Rest -> Sessions -> (root) -> Rest",
        "Rest -> Speech -> (root) -> Rest",
        "Room -> Speech -> (root) -> Room",
        "Chat -> Journal -> Room -> (root) -> Chat",
        "Rest -> Faults -> Chat -> (root) -> Rest",
    ];

    [Fact]
    public void The_fake_folders_have_no_cycles_but_the_recorded_ones()
    {
        var graph = FolderGraph.Read(typeof(KonProFakeServer).Assembly, "src/Testing");

        FolderCycleReport.Of(graph, FolderCycles.Compare(graph, KnownCycles)).Should().BeEmpty();
    }
}
