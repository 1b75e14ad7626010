using System.Reactive.Subjects;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Rooms;

/// <summary>What the session takes from a room beyond its data channel: quality, the room's own close reason, the microphone.</summary>
public sealed class StreamingAvatarRoomMediaTests
{
    [Fact]
    public async Task The_rooms_connection_quality_is_raised_as_ConnectionQualityChanged_and_the_room_is_exposed()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var room = new MediaRoom();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = new SingleRoomConnector(room) });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        avatar.Room.Should().BeNull("no session yet");

        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        room.Quality.OnNext(ConnectionQuality.Bad);

        avatar.Room.Should().BeSameAs(room);
        (await events.WaitForAsync<ConnectionQualityChanged>()).Quality.Should().Be(ConnectionQuality.Bad);
        await avatar.StopAvatarAsync();
        avatar.Room.Should().BeNull("the room is left when the session stops");
    }

    [Fact]
    public async Task A_room_closed_by_the_server_ends_the_session_with_the_mapped_reason_and_the_raw_one_kept()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var room = new MediaRoom();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = new SingleRoomConnector(room) });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        room.CloseWith(new AvatarRoomDisconnect(DisconnectReason.NetworkLost, "SIGNAL_CLOSE"));

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.NetworkLost);
        disconnected.CloseDescription.Should().Be("room_closed: SIGNAL_CLOSE");
    }

    [Fact]
    public async Task Voice_chat_on_the_LiveKit_transport_feeds_the_rooms_microphone_track_until_it_closes()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var room = new MediaRoom();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = new SingleRoomConnector(room) });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { VoiceChatTransport = VoiceChatTransport.LiveKit });
        var voice = new PushAudioSource();

        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = voice });
        voice.Push(Enumerable.Range(0, 4096).Select(i => (byte)((i % 7) + 1)).ToArray());
        await Wait.UntilAsync(() => room.MicrophoneBytes >= 4096);
        room.MicrophoneStopped.Should().BeFalse();
        await avatar.CloseVoiceChatAsync();

        room.MicrophoneStopped.Should().BeTrue();
        room.MicrophoneNonSilentBytes.Should().BeGreaterThan(0, "the user's audio, not silence, reached the track");
        await avatar.StopAvatarAsync();
    }

    private sealed class SingleRoomConnector(IAvatarRoom room) : IAvatarRoomConnector
    {
        public Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default) => Task.FromResult(room);
    }

    private sealed class MediaRoom : IAvatarRoom
    {
        private readonly Subject<AvatarRoomDataMessage> _data = new();
        private AvatarRoomDisconnect? _disconnection;
        private long _microphoneBytes;
        private long _microphoneNonSilentBytes;

        public Subject<ConnectionQuality> Quality { get; } = new();

        public long MicrophoneBytes => Interlocked.Read(ref _microphoneBytes);

        public long MicrophoneNonSilentBytes => Interlocked.Read(ref _microphoneNonSilentBytes);

        public bool MicrophoneStopped { get; private set; }

        public IObservable<AvatarRoomDataMessage> DataMessages => _data;

        public Task MediaReady => Task.CompletedTask;

        public IObservable<ConnectionQuality> ConnectionQuality => Quality;

        public AvatarRoomDisconnect? Disconnection => Volatile.Read(ref _disconnection);

        public void CloseWith(AvatarRoomDisconnect disconnection)
        {
            Volatile.Write(ref _disconnection, disconnection);
            _data.OnCompleted();
        }

        public Task PublishAsync(string message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IAsyncDisposable> PublishMicrophoneAsync(IAudioSource source, CancellationToken cancellationToken = default)
        {
            var stop = new CancellationTokenSource();
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[1024];
                try
                {
                    int read;
                    while ((read = await source.ReadAsync(buffer, stop.Token)) > 0)
                    {
                        Interlocked.Add(ref _microphoneBytes, read);
                        Interlocked.Add(ref _microphoneNonSilentBytes, buffer.AsSpan(0, read).ToArray().Count(b => b != 0));
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
            return Task.FromResult<IAsyncDisposable>(new Stopper(this, stop, reading));
        }

        public ValueTask DisposeAsync()
        {
            _data.OnCompleted();
            Quality.OnCompleted();
            return ValueTask.CompletedTask;
        }

        private sealed class Stopper(MediaRoom room, CancellationTokenSource stop, Task reading) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                await stop.CancelAsync();
                await reading;
                stop.Dispose();
                room.MicrophoneStopped = true;
            }
        }
    }
}
