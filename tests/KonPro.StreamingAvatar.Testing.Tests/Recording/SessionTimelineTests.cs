using KonPro.Streaming.Testing.Recording;

namespace KonPro.Streaming.Testing.Tests.Recording;

public sealed class SessionTimelineTests
{
    [Fact]
    public async Task A_wait_for_the_nth_action_completes_when_it_happens_with_its_time()
    {
        var timeline = new SessionTimeline(TimeProvider.System);
        timeline.Note(SessionTimeline.Rest("task"));

        var first = timeline.WhenAsync(SessionTimeline.Rest("task"), 1, CancellationToken.None);
        var second = timeline.WhenAsync(SessionTimeline.Rest("task"), 2, CancellationToken.None);
        var audio = timeline.WhenAsync(SessionTimeline.Audio, 1, CancellationToken.None);

        first.IsCompletedSuccessfully.Should().BeTrue();
        second.IsCompleted.Should().BeFalse();
        timeline.Note(SessionTimeline.Rest("task")).Should().Be(2);
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeGreaterThanOrEqualTo(await first);
        audio.IsCompleted.Should().BeFalse("another kind of action does not count");
        timeline.Last.Kind.Should().Be("rest:task");
        timeline.Last.Ordinal.Should().Be(2);
    }

    [Theory]
    [InlineData("/v1/streaming/task", "task")]
    [InlineData("/v1/streaming.task", "task")]
    [InlineData("/v1/streaming/keep_alive", "keep_alive")]
    public void The_operation_is_the_last_segment_of_the_path(string path, string operation)
    {
        SessionTimeline.OperationOf(path).Should().Be(operation);
        SessionTimeline.Anchors(operation).Should().Be(operation != "keep_alive");
    }
}
