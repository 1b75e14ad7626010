using System.Reflection;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Diagnostics;

/// <summary>
/// Each log event id names one kind of message in its assembly, so that a filter or a query on an event id finds what
/// it asks for (the fake once used 100 and 101 for both the room and the realtime audio socket).
/// </summary>
public sealed class LogEventIdTests
{
    public static TheoryData<string> Assemblies => ["KonPro.StreamingAvatar", "KonPro.StreamingAvatar.Testing"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Each_event_id_is_used_by_one_message(string assemblyName)
    {
        var assembly = new[] { typeof(StreamingAvatar).Assembly, typeof(KonProFakeServer).Assembly }
            .Single(candidate => candidate.GetName().Name == assemblyName);

        LogEventIds.ShouldNameOneMessageEach(assembly);
    }
}
