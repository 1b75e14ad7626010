namespace KonPro.Streaming.Tests.Operators;

public sealed class UtterancesTests
{
    private readonly Timeline _t = new();

    [Fact]
    public void A_finished_task_becomes_one_utterance_with_its_chunks_joined_verbatim()
    {
        var source = _t.Source(5000,
            (100, Ev.Start("t1")),
            (150, Ev.Say("t1", "Hello there,")),
            (400, Ev.Say("t1", " how are")),
            (700, Ev.Say("t1", " you?")),
            (900, Ev.End("t1")),
            (1000, Ev.Stop("t1", 900)));

        var result = _t.Run(source.Utterances());

        result.Values.Should().ContainSingle().Which.Should().Be((1000, new AvatarUtterance("t1", "Hello there, how are you?", Timeline.At(100), Timeline.At(1000), 900, false)));
        result.CompletedAtMs.Should().Be(5000);
    }

    [Fact]
    public void A_stop_without_end_message_is_an_interruption()
    {
        var result = _t.Run(_t.Source(2000,
            (0, Ev.Start("t1")),
            (10, Ev.Say("t1", "I was about to")),
            (300, Ev.Stop("t1", 300))).Utterances());

        result.Items.Should().ContainSingle().Which.WasInterrupted.Should().BeTrue();
    }

    [Fact]
    public void A_stop_shorter_than_planned_is_an_interruption()
    {
        var planned = new Dictionary<string, long> { ["short"] = 2000, ["full"] = 500 };
        var result = _t.Run(_t.Source(3000,
            (0, Ev.Start("short")), (10, Ev.Say("short", "a")), (20, Ev.End("short")), (1200, Ev.Stop("short", 1200)),
            (1300, Ev.Start("full")), (1310, Ev.Say("full", "b")), (1320, Ev.End("full")), (1800, Ev.Stop("full", 500))).Utterances(id => planned[id]));

        result.Items.Select(u => (u.TaskId, u.WasInterrupted)).Should().Equal(("short", true), ("full", false));
    }

    [Fact]
    public void Interleaved_tasks_are_kept_apart()
    {
        var result = _t.Run(_t.Source(3000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "one")), (20, Ev.Start("b")), (30, Ev.Say("b", "two")),
            (40, Ev.Say("a", " three")), (50, Ev.End("b")), (60, Ev.Stop("b", 40)), (70, Ev.End("a")), (80, Ev.Stop("a", 80))).Utterances());

        result.Items.Select(u => (u.TaskId, u.Text)).Should().Equal(("b", "two"), ("a", "one three"));
    }

    [Fact]
    public void A_stop_without_its_start_still_reports_the_utterance()
    {
        var result = _t.Run(_t.Source(3000, (1000, Ev.Stop("lost", 400))).Utterances());

        result.Items.Should().ContainSingle().Which.StartedAt.Should().Be(Timeline.At(600));
    }

    [Fact]
    public void Open_tasks_are_emitted_as_interrupted_when_the_stream_disconnects_or_completes()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "cut")), (500, Ev.Disconnected()),
            (600, Ev.Start("b")), (700, Ev.Say("b", "also cut"))).Utterances());

        result.Values.Should().Equal(
            (500, new AvatarUtterance("a", "cut", Timeline.At(0), Timeline.At(500), 500, true)),
            (5000, new AvatarUtterance("b", "also cut", Timeline.At(600), Timeline.At(700), 100, true)));
        result.CompletedAtMs.Should().Be(5000);
    }

    [Fact]
    public void Errors_pass_through()
    {
        var boom = new InvalidOperationException("boom");
        var result = _t.Run(System.Reactive.Linq.Observable.Throw<StreamingEvent>(boom).Utterances());

        result.Error.Should().BeSameAs(boom);
    }
}
