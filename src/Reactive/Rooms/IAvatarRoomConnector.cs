using System.Reactive.Linq;
using KonPro.Streaming.Events;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Rooms;

/// <summary>
/// Joins the session's LiveKit room. The SDK ships no WebRTC stack: without a connector it runs on the chat
/// socket alone (events, typed messages and voice chat all work; there is no video). Give one in
/// <see cref="StreamingAvatarOptions.RoomConnector"/> to get the avatar's media, the data channel's events (merged
/// into <see cref="StreamingAvatar.Events"/>, duplicates dropped) and push-to-talk over the room.
/// </summary>
public interface IAvatarRoomConnector
{
    /// <summary>Joins the room of a started session.</summary>
    /// <param name="request">The room's URL and access token.</param>
    /// <param name="cancellationToken">Cancels joining.</param>
    /// <returns>The joined room; the SDK disposes it when the session ends.</returns>
    Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets ready to join a room soon, without joining one: loads what the join needs and starts what can be started
    /// early (a native client core, for instance), so that the <see cref="ConnectAsync"/> after it starts warm. The SDK
    /// calls it, off the caller's thread, while the session is being created (<c>new</c> in flight), and ignores a
    /// failure (the join reports its own). The default does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels getting ready.</param>
    /// <returns>A task that completes when the connector is ready (or gave up).</returns>
    Task PrepareAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}

/// <summary>Where to join. <see cref="ToString"/> never shows <see cref="AccessToken"/>.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Url">The LiveKit URL (<c>url</c> of <c>new</c>).</param>
/// <param name="AccessToken">
/// The room access token of the participant to join as (<c>access_token</c> of <c>new</c> for the user,
/// <c>livekit_agent_token</c> for the agent); a secret.
/// </param>
public sealed record AvatarRoomConnectRequest(string SessionId, string Url, string AccessToken)
{
    /// <summary>Which participant <see cref="AccessToken"/> admits (<see cref="RoomParticipantRole.User"/> unless the session was told otherwise).</summary>
    public RoomParticipantRole Role { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"AvatarRoomConnectRequest {{ SessionId = {SessionId}, Url = {Url}, AccessToken = {SecretRedactor.Mask}, Role = {Role} }}";
}

/// <summary>A joined LiveKit room.</summary>
public interface IAvatarRoom : IAsyncDisposable
{
    /// <summary>
    /// The data channel's messages, each with who sent it. The avatar's (and the server's) are UTF-8 JSON events with the
    /// event name in <c>type</c>, which the SDK parses into the same <see cref="StreamingAvatar.Events"/> stream as the
    /// chat socket; any other participant's go to <see cref="StreamingAvatar.ParticipantData"/> and are never taken as
    /// the avatar's. Say who sent each one (<see cref="AvatarRoomDataMessage.Sender"/>); a message from a sender the
    /// connector cannot tell apart is a <see cref="AvatarRoomDataSender.Participant"/>'s. Complete it (or fail it) when
    /// the room closes: if the session still lives, it closes with <see cref="StreamDisconnected"/>
    /// (<see cref="DisconnectReason.ServerClosed"/>, description <c>room_closed</c>). Call <c>OnNext</c> from any one
    /// thread at a time: the SDK only queues each message there and parses it, and runs its subscribers, on a loop of its
    /// own, so the connector's thread is never held up by them.
    /// </summary>
    IObservable<AvatarRoomDataMessage> DataMessages { get; }

    /// <summary>Completes when the avatar's audio and video tracks are subscribed (then the SDK raises <see cref="StreamReady"/>).</summary>
    Task MediaReady { get; }

    /// <summary>Publishes a message on the data channel, e.g. <c>"push_to_talk:start"</c> or a typed user message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    Task PublishAsync(string message, CancellationToken cancellationToken = default);

    /// <summary>
    /// The avatar's video frames. Hot: frames flow from the moment the video track is subscribed, whether or not anyone
    /// listens; a subscriber gets the frames after it subscribed. <c>OnNext</c> is called from one thread at a time,
    /// never concurrently. Completes when the room closes.
    /// </summary>
    /// <remarks>
    /// <para>Each frame's <see cref="AvatarVideoFrame.Data"/> is borrowed: it is valid only during <c>OnNext</c> and is
    /// reused afterwards. Copy it (<see cref="AvatarVideoFrame.ToArray"/>) to keep it.</para>
    /// <para>Back-pressure: a subscriber that is slower than the stream does not slow the room; frames waiting beyond a
    /// small queue are dropped, oldest first, and counted in <see cref="Statistics"/>.</para>
    /// </remarks>
    IObservable<AvatarVideoFrame> VideoFrames => Observable.Empty<AvatarVideoFrame>();

    /// <summary>
    /// The avatar's audio as PCM16 frames. Hot, like <see cref="VideoFrames"/>; <see cref="AvatarAudioFrame.Samples"/> is
    /// borrowed the same way, and frames beyond a queue of about half a second are dropped oldest first and counted.
    /// </summary>
    IObservable<AvatarAudioFrame> AudioFrames => Observable.Empty<AvatarAudioFrame>();

    /// <summary>The avatar's tracks as they are subscribed (and unsubscribed); each subscriber first gets those so far. Completes when the room closes.</summary>
    IObservable<AvatarRoomTrack> Tracks => Observable.Empty<AvatarRoomTrack>();

    /// <summary>The local participant's connection quality, as LiveKit measures it. Hot; completes when the room closes.</summary>
    IObservable<ConnectionQuality> ConnectionQuality => Observable.Empty<ConnectionQuality>();

    /// <summary>Counts of the media delivered to subscribers and dropped for slow ones, so far.</summary>
    AvatarRoomStatistics Statistics => default;

    /// <summary>Why the room closed, once it has (null while it is open or when the connector does not say).</summary>
    AvatarRoomDisconnect? Disconnection => null;

    /// <summary>
    /// Publishes the user's microphone as an audio track in the room, fed from <paramref name="source"/> (16 kHz mono
    /// PCM16, the SDK's voice format) until the source ends, the returned handle is disposed or the room closes.
    /// </summary>
    /// <param name="source">The audio to publish; the room reads it, the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels publishing the track.</param>
    /// <returns>A handle that stops the track when disposed.</returns>
    /// <exception cref="NotSupportedException">The connector cannot publish audio.</exception>
    Task<IAsyncDisposable> PublishMicrophoneAsync(IAudioSource source, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("This room connector cannot publish a microphone track.");
}
