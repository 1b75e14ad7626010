using KonPro.Streaming.LiveKit.Media;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.LiveKit.Tests.Rooms;

public sealed class MediaPumpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_slow_subscriber_gets_the_newest_frames_in_order_and_the_dropped_ones_are_counted()
    {
        var pump = new MediaPump<int, byte>(capacity: 2, NullLogger.Instance);
        using var release = new SemaphoreSlim(0);
        var received = new List<int>();
        using var subscription = pump.Subscribe(frame =>
        {
            received.Add(frame);
            if (frame == 0)
            {
                release.Wait(Bound); // the subscriber is stuck on the first frame
            }
        });

        pump.Post(0, MediaPump<int, byte>.Rent(16));
        await WaitAsync(() => received.Count == 1);
        for (var i = 1; i <= 10; i++)
        {
            pump.Post(i, MediaPump<int, byte>.Rent(16));
        }

        release.Release();
        await pump.CompleteAsync().WaitAsync(Bound);

        received.Should().Equal(0, 9, 10);
        pump.Delivered.Should().Be(3);
        pump.Dropped.Should().Be(8);
    }

    [Fact]
    public async Task A_subscriber_that_throws_skips_a_frame_and_the_stream_goes_on_to_completion()
    {
        var pump = new MediaPump<int, byte>(capacity: 8, NullLogger.Instance);
        var received = new List<int>();
        var completed = false;
        using var subscription = pump.Subscribe(
            frame =>
            {
                if (frame == 1)
                {
                    throw new InvalidOperationException("subscriber bug");
                }

                received.Add(frame);
            },
            () => completed = true);

        pump.Post(1, MediaPump<int, byte>.Rent(4));
        pump.Post(2, MediaPump<int, byte>.Rent(4));
        await pump.CompleteAsync().WaitAsync(Bound);

        received.Should().Equal(2);
        completed.Should().BeTrue();
        var late = new List<int>();
        var lateCompleted = false;
        using var afterwards = pump.Subscribe(late.Add, () => lateCompleted = true);
        lateCompleted.Should().BeTrue("a late subscriber learns that the stream completed");
    }

    [Fact]
    public void The_room_keeps_data_messages_that_arrive_before_the_session_subscribes()
    {
        var subject = new BufferedSubject<string>();
        subject.OnNext("early 1");
        subject.OnNext("early 2");
        var received = new List<string>();

        using var subscription = subject.Subscribe(received.Add);
        subject.OnNext("later");
        subject.OnCompleted();

        received.Should().Equal("early 1", "early 2", "later");
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        condition().Should().BeTrue();
    }
}
