namespace KonPro.Streaming.Tests.Operators;

public sealed class TalkingFlagsTests
{
    private readonly Timeline _t = new();

    [Fact]
    public void IsAvatarTalking_starts_false_and_follows_start_and_stop()
    {
        var result = _t.Run(_t.Source(5000,
            (100, Ev.Start("a")),
            (150, Ev.Say("a", "x")),
            (200, Ev.Start("b")),
            (300, Ev.Stop("a", 200)),
            (400, Ev.Stop("b", 200)),
            (500, Ev.Start("c")),
            (600, Ev.Disconnected())).IsAvatarTalking());

        result.Values.Should().Equal((0, false), (100, true), (400, false), (500, true), (600, false));
        result.CompletedAtMs.Should().Be(5000);
    }

    [Fact]
    public void IsUserTalking_starts_false_and_emits_only_changes()
    {
        var result = _t.Run(_t.Source(5000,
            (100, Ev.UserStart()),
            (120, Ev.UserStart()),
            (200, Ev.User("u", "hi")),
            (300, Ev.UserStop()),
            (400, Ev.UserStart()),
            (500, Ev.Disconnected())).IsUserTalking());

        result.Values.Should().Equal((0, false), (100, true), (300, false), (400, true), (500, false));
    }

    [Fact]
    public void Each_subscription_has_its_own_state()
    {
        var source = _t.Source(1000, (100, Ev.Start("a")));
        var flags = source.IsAvatarTalking();
        var first = new List<bool>();
        var second = new List<bool>();
        using var s1 = flags.Subscribe(first.Add);
        using var s2 = flags.Subscribe(second.Add);

        _t.Scheduler.Start();

        first.Should().Equal(false, true);
        second.Should().Equal(false, true);
    }
}
