namespace KonPro.Streaming.Tests.Operators;

/// <summary>What the transcript operators make of a <see cref="StreamReconnected"/> (events in its gap may be missing).</summary>
public sealed class ReconnectGapTests
{
    private readonly Timeline _t = new();

    [Fact]
    public void A_transcript_turn_that_spans_a_gap_is_marked_and_the_next_one_is_not()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "one")),
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.Say("a", " three")), (800, Ev.End("a")), (850, Ev.Stop("a", 850)),
            (900, Ev.Start("b")), (910, Ev.Say("b", "fine")), (1000, Ev.End("b"))).Transcript());

        result.Items.Select(e => (e.TaskId, e.Text, e.MayBeIncomplete)).Should().Equal(("a", "one three", true), ("b", "fine", false));
    }

    [Fact]
    public void An_avatar_turn_whose_end_was_lost_in_the_gap_ends_at_the_gap_when_the_avatar_starts_another()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "lost")),
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.Start("b")), (710, Ev.Say("b", "next")), (800, Ev.End("b"))).Transcript());

        result.Values.Should().Equal(
            (700, new TranscriptEntry(Speaker.Avatar, "lost", "a", Timeline.At(0), Timeline.At(600)) { MayBeIncomplete = true }),
            (800, new TranscriptEntry(Speaker.Avatar, "next", "b", Timeline.At(700), Timeline.At(800))));
    }

    [Fact]
    public void A_user_turn_that_spans_a_gap_is_marked()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.User("u1", "I was")),
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.User("u1", " saying")), (800, Ev.UserEnd("u1"))).Transcript());

        result.Items.Should().ContainSingle().Which.Should().Be(new TranscriptEntry(Speaker.User, "I was saying", "u1", Timeline.At(0), Timeline.At(800)) { MayBeIncomplete = true });
    }

    [Fact]
    public void An_utterance_that_spans_a_gap_is_marked()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "one")),
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.Say("a", " three")), (800, Ev.End("a")), (850, Ev.Stop("a", 850)),
            (900, Ev.Start("b")), (910, Ev.Say("b", "fine")), (1000, Ev.End("b")), (1100, Ev.Stop("b", 200))).Utterances());

        result.Items.Select(u => (u.TaskId, u.Text, u.MayBeIncomplete, u.WasInterrupted)).Should().Equal(("a", "one three", true, false), ("b", "fine", false, false));
    }

    [Fact]
    public void An_utterance_whose_stop_was_lost_in_the_gap_is_emitted_when_the_next_starts_ending_at_the_gap()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "all of it")), (50, Ev.End("a")),
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.Start("b")), (710, Ev.Say("b", "next")), (800, Ev.End("b")), (900, Ev.Stop("b", 200))).Utterances());

        result.Values.Should().Equal(
            (700, new AvatarUtterance("a", "all of it", Timeline.At(0), Timeline.At(600), 600, WasInterrupted: false) { MayBeIncomplete = true }),
            (900, new AvatarUtterance("b", "next", Timeline.At(700), Timeline.At(900), 200, WasInterrupted: false)));
    }

    [Fact]
    public void Words_of_a_task_whose_start_was_lost_in_the_gap_are_marked()
    {
        var result = _t.Run(_t.Source(5000,
            (600, Ev.Reconnected(100, 600)),
            (700, Ev.Say("a", "the rest")), (800, Ev.End("a")), (900, Ev.Stop("a", 800))).Utterances());

        result.Items.Should().ContainSingle().Which.MayBeIncomplete.Should().BeTrue();
    }

    [Fact]
    public void Without_a_gap_interleaved_tasks_are_not_ended_by_each_other()
    {
        var result = _t.Run(_t.Source(3000,
            (0, Ev.Start("a")), (10, Ev.Say("a", "one")), (20, Ev.Start("b")), (30, Ev.Say("b", "two")),
            (40, Ev.End("a")), (50, Ev.Stop("a", 50)), (60, Ev.End("b")), (70, Ev.Stop("b", 50))).Utterances());

        result.Items.Select(u => (u.TaskId, u.MayBeIncomplete)).Should().Equal(("a", false), ("b", false));
    }
}
