using System.Globalization;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// The realtime audio protocol's server events, rendered as the socket sends them (openapi/konpro-realtime.asyncapi.yaml):
/// session and agent state, the avatar's speaking, errors. Numbers the events that have no id of their own
/// (<c>srv-1</c>, <c>srv-2</c>, …) per connection.
/// </summary>
internal sealed class RealtimeServerEvents
{
    private int _serverEvents;

    /// <summary><c>session.state_updated</c>.</summary>
    public string SessionState(string state) => new JsonObject
    {
        [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.SessionStateUpdated,
        [RealtimeProtocol.EventIdProperty] = NextServerId(),
        [RealtimeProtocol.StateProperty] = state,
    }.ToJsonString();

    /// <summary><c>agent.state</c>.</summary>
    public string AgentState(string state) => new JsonObject
    {
        [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.AgentState,
        [RealtimeProtocol.EventIdProperty] = NextServerId(),
        [RealtimeProtocol.StateProperty] = state,
    }.ToJsonString();

    /// <summary><c>agent.speak_started</c>, <c>agent.speak_ended</c> or <c>agent.speak_interrupted</c> of one utterance.</summary>
    public static string Speaking(string type, string utteranceId, TimeSpan? duration)
    {
        var message = new JsonObject { [RealtimeProtocol.TypeProperty] = type, [RealtimeProtocol.EventIdProperty] = utteranceId };
        if (duration is { } d)
        {
            message[RealtimeProtocol.DurationMsProperty] = (long)Math.Round(d.TotalMilliseconds);
        }

        return message.ToJsonString();
    }

    /// <summary><c>error</c>, naming the client's message that caused it when it had an id.</summary>
    public string Error(string? offendingId, string code, string text) => new JsonObject
    {
        [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.Error,
        [RealtimeProtocol.EventIdProperty] = NextServerId(),
        [RealtimeProtocol.ErrorProperty] = new JsonObject
        {
            [RealtimeProtocol.ErrorCodeProperty] = code,
            [RealtimeProtocol.ErrorMessageProperty] = text,
            [RealtimeProtocol.EventIdProperty] = offendingId,
        },
    }.ToJsonString();

    private string NextServerId() => string.Create(CultureInfo.InvariantCulture, $"srv-{Interlocked.Increment(ref _serverEvents)}");
}
