using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// With the LiveKit room the avatar's events arrive on the FFI client's dispatcher, which must stay quick: the SDK
/// parses them and runs its subscribers on a loop of its own (RoomEventReader), never on the dispatcher. The fake sends
/// the events on the room's data channel only, so every one of them is room-delivered. Only inside a network namespace
/// (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class RoomEventThreadTests
{
    [SkippableFact]
    public async Task Subscribers_of_events_the_room_delivers_never_run_on_the_ffi_dispatcher()
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = FakeEventDelivery.RoomOnly };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        var ffi = await FfiClient.AcquireAsync(); // the process's one client: the room below joins on it too
        try
        {
            await using var avatar = new StreamingAvatar(
                new StreamingAvatarApiConfig { Token = await admin.CreateTokenAsync(), BasePath = server.Url },
                httpClient: null,
                new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector() });
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
}
