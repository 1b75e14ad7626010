namespace KonPro.Streaming.Tests.Operators;

public sealed class TranscriptTests
{
    private readonly Timeline _t = new();

    [Fact]
    public void User_and_avatar_turns_come_in_the_order_they_finish()
    {
        var result = _t.Run(_t.Source(10_000,
            (0, Ev.UserStart()),
            (500, Ev.User("u1", "What is")),
            (600, Ev.User("u1", " the time?")),
            (700, Ev.UserStop()),
            (800, Ev.UserEnd("u1")),
            (900, Ev.Start("a1")),
            (950, Ev.Say("a1", "It is")),
            (1200, Ev.Say("a1", " noon.")),
            (1500, Ev.End("a1")),
            (1600, Ev.Stop("a1", 700))).Transcript());

        result.Items.Should().Equal(
            new TranscriptEntry(Speaker.User, "What is the time?", "u1", Timeline.At(500), Timeline.At(800)),
            new TranscriptEntry(Speaker.Avatar, "It is noon.", "a1", Timeline.At(900), Timeline.At(1500)));
        result.CompletedAtMs.Should().Be(10_000);
    }

    [Fact]
    public void Chunks_are_joined_verbatim_as_the_service_spaces_them_with_no_space_added()
    {
        // The service's chunks carry their own spacing (the official web demo concatenates them as they are); a chunk
        // boundary inside a word, or in a language written without spaces, must not gain one.
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("a1")),
            (10, Ev.Say("a1", "Hello from the")),
            (20, Ev.Say("a1", " browser")),
            (30, Ev.Say("a1", "'s tab.")),
            (40, Ev.End("a1")),
            (50, Ev.Start("a2")),
            (60, Ev.Say("a2", "こんにちは")),
            (70, Ev.Say("a2", "世界")),
            (80, Ev.End("a2")),
            (90, Ev.User("u1", "Hel")),
            (100, Ev.User("u1", "lo")),
            (110, Ev.UserEnd("u1"))).Transcript());

        result.Items.Select(e => e.Text).Should().Equal("Hello from the browser's tab.", "こんにちは世界", "Hello");
    }

    [Fact]
    public void A_new_user_task_closes_the_previous_one()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.User("u1", "first")),
            (100, Ev.User("u2", "second")),
            (200, Ev.UserEnd("u2"))).Transcript());

        result.Items.Select(e => (e.TaskId, e.Text, e.EndedAt)).Should().Equal(("u1", "first", Timeline.At(100)), ("u2", "second", Timeline.At(200)));
    }

    [Fact]
    public void An_interrupted_avatar_turn_keeps_its_words_and_a_silent_one_is_skipped()
    {
        var result = _t.Run(_t.Source(5000,
            (0, Ev.Start("silent")), (100, Ev.Stop("silent", 100)),
            (200, Ev.Start("cut")), (300, Ev.Say("cut", "I was")), (400, Ev.Stop("cut", 200))).Transcript());

        result.Items.Should().ContainSingle().Which.Should().Be(new TranscriptEntry(Speaker.Avatar, "I was", "cut", Timeline.At(200), Timeline.At(400)));
    }

    [Fact]
    public void Open_turns_are_flushed_at_completion()
    {
        var result = _t.Run(_t.Source(900, (0, Ev.Say("a", "half")), (10, Ev.User("u", "also half"))).Transcript());

        result.Items.Select(e => e.Speaker).Should().Equal(Speaker.Avatar, Speaker.User);
        result.Values.Should().AllSatisfy(v => v.Ms.Should().Be(900));
    }
}
