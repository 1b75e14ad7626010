using System.Collections.Concurrent;
using KonPro.Streaming.LiveKit.Tests.Native;
using KonPro.Streaming.Testing;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

/// <summary>
/// Whichever channels carry the avatar's events (the chat socket, the room's data channel, or both as the fake's
/// <see cref="FakeEventDelivery.ChatAndRoom"/> sends them), the SDK with the LiveKit room delivers each event once.
/// Only inside a network namespace (eng/netns-run).
/// </summary>
[Trait("Category", "Room")]
[Collection(FfiCollection.Name)]
public sealed class EventDeliveryTests
{
    private const string Sentence = "The quick brown fox jumps over";

    [SkippableTheory]
    [InlineData(FakeEventDelivery.ChatOnly)]
    [InlineData(FakeEventDelivery.ChatAndRoom)]
    [InlineData(FakeEventDelivery.RoomOnly)]
    [InlineData(null)]
    public async Task Every_avatar_event_reaches_the_app_exactly_once(FakeEventDelivery? delivery)
    {
        RoomNamespace.RequireAddress();
        await FfiCollection.WaitUntilStoppedAsync();
        var options = new KonProFakeServerOptions { TimeScale = 0.5, EventDelivery = delivery };
        options.Room.Enabled = true;
        await using var server = await KonProFakeServer.StartAsync(options);
        using var admin = new KonProAdminClient(server.ApiKey, server.Url);
        await using var avatar = new StreamingAvatar(
            new StreamingAvatarApiConfig { Token = await admin.CreateTokenAsync(), BasePath = server.Url },
            httpClient: null,
            new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector() });
        var events = new ConcurrentQueue<StreamingEvent>();
        using var recording = avatar.Events.Subscribe(events.Enqueue);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var first = await avatar.SpeakAsync(new SpeakRequest { Text = Sentence, TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await first.Completed.WaitAsync(FakeSession.Patience);
        // A second task: by its end, a late copy of the first task's events on the slower channel has arrived too.
        var second = await avatar.SpeakAsync(new SpeakRequest { Text = "and done", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await second.Completed.WaitAsync(FakeSession.Patience);
        await avatar.StopAvatarAsync();

        var ofFirst = events.Where(e => e.TaskId == first.TaskId).Select(e => e.Name).ToList();
        ofFirst.Should().Equal(
            [StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage, StreamingEvents.AvatarTalkingMessage,
             StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking],
            "the fake speaks the six words in two chunks, and each event arrives once");
        events.Where(e => e.TaskId == second.TaskId).Select(e => e.Name).Should().Equal(
            StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarTalkingMessage, StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking);
        events.OfType<StreamReady>().Should().ContainSingle();
        events.OfType<StreamDisconnected>().Should().ContainSingle();
    }
}
