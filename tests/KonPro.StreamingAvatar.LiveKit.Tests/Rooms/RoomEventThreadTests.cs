using System.Reactive.Disposables;
using System.Reactive.Linq;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// With the LiveKit room the avatar's events and media arrive on the FFI client's dispatcher, which must stay quick: the
/// room hands its own streams on from loops of its own (RoomEventQueue, MediaPump) and the SDK runs its subscribers on a
/// loop of its own (RoomEventReader), so no subscriber runs on the dispatcher. The fake sends the events on the room's
/// data channel only, so every one of them is room-delivered. Only inside a network namespace (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class RoomEventThreadTests
{
    [SkippableFact]
    public async Task Subscribers_of_events_the_room_delivers_never_run_on_the_ffi_dispatcher()
    {
        await using var server = await StartRoomOnlyServerAsync();
        var ffi = await FfiClient.AcquireAsync(); // the process's one client: the room below joins on it too
        try
        {
            await using var avatar = await NewAvatarAsync(server, new LiveKitRoomConnector());
            var delivered = 0;
            var onDispatcher = 0;
            using var watching = avatar.Events.Subscribe(e =>
            {
                if (e.TaskId is not null)
                {
                    Interlocked.Increment(ref delivered);
                    if (ffi.OnDispatcher)
                    {
                        Interlocked.Increment(ref onDispatcher);
                    }
                }
            });
            await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

            var task = await avatar.SpeakAsync(new SpeakRequest { Text = "Off the dispatcher.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
            await task.Completed.WaitAsync(FakeSession.Patience);
            await avatar.StopAvatarAsync();

            Volatile.Read(ref delivered).Should().BePositive("the task's events came over the room's data channel");
            Volatile.Read(ref onDispatcher).Should().Be(0, "no subscriber runs on the FFI dispatcher");
        }
        finally
        {
            ffi.Release();
        }
    }

    [SkippableFact]
    public async Task Subscribers_of_the_rooms_own_streams_never_run_on_the_ffi_dispatcher()
    {
        await using var server = await StartRoomOnlyServerAsync();
        var ffi = await FfiClient.AcquireAsync(); // the process's one client: the room below joins on it too
        try
        {
            // Subscribed to every stream of the room as soon as it is joined, before its tracks and events arrive.
            var recorder = new DeliveryRecorder(ffi);
            var connector = new SubscribingConnector(new LiveKitRoomConnector(), recorder);
            await using (var avatar = await NewAvatarAsync(server, connector))
            {
                await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
                var task = await avatar.SpeakAsync(new SpeakRequest { Text = "Off the dispatcher, every stream.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
                await task.Completed.WaitAsync(FakeSession.Patience);
                await avatar.StopAvatarAsync();
            }

            await recorder.AllCompleted.WaitAsync(FakeSession.Patience);
            var counts = recorder.Counts; // the fake room reports no change of connection quality; its completion is counted
            counts.Should().ContainKeys(["data", "data end", "track", "video", "audio", "video end", "audio end", "track end", "quality end"]);
            recorder.OnDispatcher.Should().BeEmpty(
                "no subscriber of the room's streams runs on the FFI dispatcher (deliveries: {0}; on the dispatcher: {1})",
                string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")),
                string.Join(", ", recorder.OnDispatcher.CountBy(s => s).Select(c => $"{c.Key} {c.Value}")));
        }
        finally
        {
            ffi.Release();
        }
    }

    // The fake sends the avatar's events on the room's data channel only: every one of them is room-delivered.
    private static async Task<KonProFakeServer> StartRoomOnlyServerAsync()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = FakeEventDelivery.RoomOnly };
        options.Room.Enabled = true;
        return await KonProFakeServer.StartAsync(options);
    }

    private static async Task<StreamingAvatar> NewAvatarAsync(KonProFakeServer server, IAvatarRoomConnector connector)
    {
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        return new StreamingAvatar(
            new StreamingAvatarApiConfig { Token = await admin.CreateTokenAsync(), BasePath = server.Url },
            httpClient: null,
            new StreamingAvatarOptions { RoomConnector = connector });
    }

    /// <summary>Counts each delivery of each stream, and the ones that ran on the FFI dispatcher.</summary>
    private sealed class DeliveryRecorder(FfiClient ffi)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, int> _counts = [];
        private readonly List<string> _onDispatcher = [];
        private readonly TaskCompletionSource _allCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _completed;

        public Task AllCompleted => _allCompleted.Task;

        public Dictionary<string, int> Counts
        {
            get
            {
                lock (_gate)
                {
                    return new(_counts);
                }
            }
        }

        public List<string> OnDispatcher
        {
            get
            {
                lock (_gate)
                {
                    return [.. _onDispatcher];
                }
            }
        }

        public IDisposable Watch(IAvatarRoom room) => new CompositeDisposable(
            room.DataMessages.Subscribe(_ => Record("data"), _ => Ended("data end"), () => Ended("data end")),
            room.Tracks.Subscribe(_ => Record("track"), () => Ended("track end")),
            room.ConnectionQuality.Skip(1).Subscribe(_ => Record("quality"), () => Ended("quality end")),
            room.VideoFrames.Subscribe(_ => Record("video"), () => Ended("video end")),
            room.AudioFrames.Subscribe(_ => Record("audio"), () => Ended("audio end")));

        private void Ended(string stream)
        {
            Record(stream);
            if (Interlocked.Increment(ref _completed) == 5)
            {
                _allCompleted.TrySetResult();
            }
        }

        private void Record(string stream)
        {
            var onDispatcher = ffi.OnDispatcher;
            lock (_gate)
            {
                _counts[stream] = _counts.GetValueOrDefault(stream) + 1;
                if (onDispatcher)
                {
                    _onDispatcher.Add(stream);
                }
            }
        }
    }

    /// <summary>A connector that hands each room it joins to the recorder before the SDK gets it.</summary>
    private sealed class SubscribingConnector(IAvatarRoomConnector inner, DeliveryRecorder recorder) : IAvatarRoomConnector
    {
        public async Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default)
        {
            var room = await inner.ConnectAsync(request, cancellationToken);
            recorder.Watch(room); // lives as long as the room: every stream completes when it closes
            return room;
        }

        public Task PrepareAsync(CancellationToken cancellationToken = default) => inner.PrepareAsync(cancellationToken);
    }
}
