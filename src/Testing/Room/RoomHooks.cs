using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Rest;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// The room's part of <c>start</c>, around the session endpoints: the avatar joins and publishes (<c>new</c> opens the
/// room and answers its grant itself). Without the room it passes straight through.
/// </summary>
internal static class RoomHooks
{
    public static async Task<object> StartAsync(SessionEndpoints sessions, RestCall call)
    {
        var answer = await sessions.StartAsync(call).ConfigureAwait(false);
        if (sessions.Core.Room is not null && JsonFields.String(call.Body, "session_id") is { } id)
        {
            sessions.Core.Store.Find(id)?.Room?.StartAvatar();
        }

        return answer;
    }
}
