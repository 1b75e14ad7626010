using System.Reflection;
using System.Text.Json.Nodes;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// The fake server's side of the chat protocol: the events it can send, read from its event builders (every
/// builder of its <c>ChatEvents</c> class is called and its JSON read), and the close statuses it sends, observed
/// over the wire by <see cref="FakeCloseStatusesFixture"/>.
/// </summary>
internal static class FakeProtocol
{
    /// <summary>The builder that makes a deliberately unknown event, for the fault of that name; not part of the protocol.</summary>
    private const string UnknownEventBuilder = "Unknown";

    public static ProtocolSide Read(IReadOnlyDictionary<int, string?> observedFinalCloseStatuses) =>
        new("the fake", SentEvents(), new HashSet<string>(), observedFinalCloseStatuses);

    public static IReadOnlyDictionary<string, IReadOnlySet<string>> SentEvents()
    {
        var builders = typeof(KonProFakeServer).Assembly.GetTypes().SingleOrDefault(t => t.Name == "ChatEvents")
            ?? throw new InvalidOperationException("The fake's event builders (a class named ChatEvents) were not found: update FakeProtocol.");

        var events = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var builder in builders.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                     .Where(m => m.ReturnType == typeof(string) && m.Name != UnknownEventBuilder && !m.Name.StartsWith('<')))
        {
            var arguments = builder.GetParameters().Select(p => Sample(p.ParameterType)).ToArray();
            if (arguments.Any(a => a is null))
            {
                continue; // a private helper with other parameters (e.g. the JSON writer itself)
            }

            var json = JsonNode.Parse((string)builder.Invoke(null, arguments)!)!.AsObject();
            var name = json["event_type"]!.GetValue<string>();
            var fields = events.TryGetValue(name, out var known) ? known : events[name] = new HashSet<string>(StringComparer.Ordinal);
            fields.UnionWith(json.Select(p => p.Key).Where(k => k != "event_type"));
        }

        return events.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value, StringComparer.Ordinal);
    }

    private static object? Sample(Type type) =>
        type == typeof(string) ? "sample" :
        type == typeof(int) ? 1 :
        type == typeof(long) ? 1L :
        null;
}
