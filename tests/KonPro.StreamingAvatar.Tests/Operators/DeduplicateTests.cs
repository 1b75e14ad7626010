using System.Text;
using System.Reactive.Linq;

namespace KonPro.StreamingAvatar.Tests.Operators;

public sealed class DeduplicateTests
{
    private readonly Timeline _t = new();
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);

    private static StreamingEvent Parse(string json, string nameProperty)
    {
        StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(json), nameProperty, "s", DateTimeOffset.UnixEpoch, out var evt).Should().BeTrue();
        return evt!;
    }

    [Fact]
    public void The_copy_from_the_other_channel_within_the_window_is_dropped()
    {
        var chat = Parse("""{"event_type":"avatar_talking_message","task_id":"t","message":"hi","x":1}""", "event_type");
        var room = Parse("""{"type":"avatar_talking_message","task_id":"t","message":"hi","x":1}""", "type");

        var result = _t.Run(_t.Source(2000, (0, chat), (120, room)).Deduplicate(Window, _t.Scheduler));

        result.Values.Should().ContainSingle().Which.Ms.Should().Be(0);
        result.CompletedAtMs.Should().Be(2000);
    }

    [Fact]
    public void A_copy_outside_the_window_passes()
    {
        var result = _t.Run(_t.Source(2000, (0, Ev.Say("t", "hi")), (501, Ev.Say("t", "hi"))).Deduplicate(Window, _t.Scheduler));

        result.Values.Select(v => v.Ms).Should().Equal(0, 501);
    }

    [Fact]
    public void Events_that_differ_in_task_message_payload_or_extra_fields_all_pass()
    {
        var result = _t.Run(_t.Source(2000,
            (0, Ev.Say("t", "hi")),
            (10, Ev.Say("u", "hi")),
            (20, Ev.Say("t", "ho")),
            (30, Ev.Stop("t", 100)),
            (40, Ev.Stop("t", 101)),
            (50, Parse("""{"event_type":"user_start","x":1}""", "event_type")),
            (60, Parse("""{"event_type":"user_start","x":2}""", "event_type"))).Deduplicate(Window, _t.Scheduler));

        result.Values.Should().HaveCount(7);
    }

    [Fact]
    public void Copies_pair_one_to_one_so_words_said_twice_survive()
    {
        // Both channels deliver "the" twice, in an interleaved order.
        var result = _t.Run(_t.Source(2000,
            (0, Ev.Say("t", "the")),
            (10, Ev.Say("t", "the")),
            (20, Ev.Say("t", "the")),
            (30, Ev.Say("t", "the"))).Deduplicate(Window, _t.Scheduler));

        result.Values.Should().HaveCount(2);
    }

    [Fact]
    public void The_window_must_be_positive()
    {
        FluentActions.Invoking(() => Observable.Empty<StreamingEvent>().Deduplicate(TimeSpan.Zero, _t.Scheduler))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("window");
    }
}
