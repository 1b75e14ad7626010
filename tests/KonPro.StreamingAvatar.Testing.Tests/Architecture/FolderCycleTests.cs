using KonPro.Streaming.TestSupport.Architecture;

namespace KonPro.Streaming.Testing.Tests.Architecture;

/// <summary>
/// The fake's top-level folders (src/Testing) must not depend on each other in circles (issue 19): the test fails on
/// any cycle, so a reference from a lower folder back up to one that depends on it does not get in.
/// </summary>
public sealed class FolderCycleTests
{
    /// <summary>
    /// The cycles between src/Testing's folders: none. The fake is layered (docs/adr/0016): the options and the log at the
    /// root; Time, Strict, Faults, Journal, Tls, Cors; Sessions (state and the typed outbox); Core (what the parts
    /// share); Speech; the channels Chat, Room, Realtime; Rest; Recording; and Server, the composition root.
    /// </summary>
    private static readonly string[] KnownCycles = [];

    [Fact]
    public void The_fake_folders_have_no_cycles()
    {
        var graph = FolderGraph.Read(typeof(KonProFakeServer).Assembly, "src/Testing");

        FolderCycleReport.Of(graph, FolderCycles.Compare(graph, KnownCycles)).Should().BeEmpty();
    }
}
