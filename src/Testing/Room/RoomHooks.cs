using KonPro.StreamingAvatar.Api;
using KonPro.StreamingAvatar.Testing.Rest;

namespace KonPro.StreamingAvatar.Testing.Room;

/// <summary>
/// The room's part of <c>new</c> and <c>start</c>, around the session endpoints: <c>new</c> answers the session's room
/// URL and access token, <c>start</c> makes the avatar join and publish. Without the room both pass straight through.
/// </summary>
internal static class RoomHooks
{
    public static async Task<object> NewAsync(SessionEndpoints sessions, RestCall call)
    {
        var answer = await sessions.NewAsync(call).ConfigureAwait(false);
        if (sessions.Core.Room is { } rooms
            && answer is NewSessionResponse { Data: { } data }
            && sessions.Core.Store.Find(data.Session_id) is { } session)
        {
            var grant = await rooms.OpenAsync(session, call.Request).ConfigureAwait(false);
            data.Url = grant.Url;
            data.Access_token = grant.AccessToken;
        }

        return answer;
    }

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
