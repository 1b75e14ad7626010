using System.Text.Json;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Realtime.Audio;

/// <summary>
/// The setup the realtime audio socket's tests share: a fake server on a free loopback port, an avatar with a started
/// session (sessions and idle timeouts of an hour), and a realtime audio socket open on that session. Disposing it
/// disposes the socket, then the avatar and the server.
/// </summary>
internal sealed class RealtimeSocketScenario : IAsyncDisposable
{
    private readonly FakeServerScope _scope;
    private readonly List<string>? _sent;
    private readonly List<RecordingWebSocket>? _opened;

    private RealtimeSocketScenario(FakeServerScope scope, StreamingAvatar avatar, StartAvatarResponse session, RealtimeAudioSocket socket, List<string>? sent, List<RecordingWebSocket>? opened)
    {
        _scope = scope;
        Avatar = avatar;
        Session = session;
        Socket = socket;
        _sent = sent;
        _opened = opened;
    }

    public KonProFakeServer Server => _scope.Server;

    public StreamingAvatar Avatar { get; }

    public StartAvatarResponse Session { get; }

    public RealtimeAudioSocket Socket { get; }

    /// <summary>
    /// Every WebSocket the socket opened so far, in order (the first, then one per reconnect); needs <c>record: true</c>.
    /// A copy taken under the connector's lock, as a reconnect adds to the list on another thread.
    /// </summary>
    public IReadOnlyList<RecordingWebSocket> Opened
    {
        get
        {
            var opened = _opened ?? throw NotRecorded();
            lock (opened)
            {
                return [.. opened];
            }
        }
    }

    /// <param name="fake">Changes to the fake's options (its time scale, say).</param>
    /// <param name="socket">Changes to the socket's options (a scheduler, a reconnect policy, a logger factory).</param>
    /// <param name="record">
    /// Opens through <see cref="RecordingWebSocket"/> (real sockets that record what is sent) rather than the SDK's own
    /// connector, so that <see cref="SentMessages"/> and <see cref="Opened"/> can be read.
    /// </param>
    public static async Task<RealtimeSocketScenario> StartAsync(Action<KonProFakeServerOptions>? fake = null, Action<RealtimeAudioSocketOptions>? socket = null, bool record = false)
    {
        var scope = await FakeServerScope.StartAsync(o =>
        {
            o.SessionDurationLimit = TimeSpan.FromHours(1);
            fake?.Invoke(o);
        });
        try
        {
            var avatar = await scope.CreateAvatarAsync();
            var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
            List<string>? sent = record ? [] : null;
            List<RecordingWebSocket>? opened = record ? [] : null;
            RealtimeAudioSocketOptions? options = null;
            if (record || socket is not null)
            {
                options = new RealtimeAudioSocketOptions();
                if (record)
                {
                    options.Connector = RecordingWebSocket.Connector(sent!, opened!);
                }

                socket?.Invoke(options);
            }

            var audioSocket = await RealtimeAudioSocket.OpenAsync(avatar, options);
            return new RealtimeSocketScenario(scope, avatar, session, audioSocket, sent, opened);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>The text messages sent so far, parsed; needs <c>record: true</c>.</summary>
    public List<JsonElement> SentMessages()
    {
        var sent = _sent ?? throw NotRecorded();
        lock (sent)
        {
            return [.. sent.Select(s => JsonDocument.Parse(s).RootElement)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The socket may have been disposed by the test already; a second dispose does nothing.
        await Socket.DisposeAsync();
        await _scope.DisposeAsync();
    }

    private static InvalidOperationException NotRecorded() =>
        new("The scenario was started without record: true, so nothing was recorded.");
}
