using System.Reflection;
using System.Text.Json;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// The SDK's side of the chat protocol, read from its code: the event records (one sealed subclass of
/// <see cref="StreamingEvent"/> per event, their properties as snake_case wire fields), the names in
/// <see cref="StreamingEvents"/>, and the close-status mapping of <see cref="ChatSocketCloseStatus"/>.
/// </summary>
internal static class SdkProtocol
{
    /// <summary>Members of the base record that the SDK adds itself; they never travel on the wire.</summary>
    private static readonly HashSet<string> SdkOnlyMembers =
        [nameof(StreamingEvent.Name), nameof(StreamingEvent.ReceivedAt), nameof(StreamingEvent.ExtraFields)];

    public static ProtocolSide Read()
    {
        var records = typeof(StreamingEvent).Assembly.GetTypes()
            .Where(t => t.IsSealed && typeof(StreamingEvent).IsAssignableFrom(t) && t != typeof(UnknownStreamingEvent))
            .ToList();

        var events = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var name = ((StreamingEvent)Activator.CreateInstance(record)!).Name;
            events.Add(name, WireFields(record.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)));
        }

        // Every public name has a record, and every record a public name.
        var names = typeof(StreamingEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !events.ContainsKey(n)))
        {
            events.Add(name, new HashSet<string>()); // a name without a record: reported as a missing field set, if the document has fields
        }

        var common = WireFields(typeof(StreamingEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly));

        var final = typeof(ChatSocketCloseStatus).GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .Select(f => (int)f.GetRawConstantValue()!)
            .Where(code => !MayReconnect(code))
            .ToDictionary(code => code, _ => (string?)null);

        return new ProtocolSide("the SDK", events, common, final, MayReconnect);
    }

    private static bool MayReconnect(int status) => ChatSocketCloseStatus.IsRetryable(ChatSocketCloseStatus.ToReason(status));

    private static HashSet<string> WireFields(IEnumerable<PropertyInfo> properties) =>
        properties.Where(p => !SdkOnlyMembers.Contains(p.Name))
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))
            .ToHashSet(StringComparer.Ordinal);
}
