using System.Text;
using System.Text.Json;

namespace KonPro.Streaming.Tests.Events;

public sealed class StreamingEventParserTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static StreamingEvent Parse(string json, string nameProperty = "event_type", string? sessionId = "s-1")
    {
        StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(json), nameProperty, sessionId, At, out var evt)
            .Should().BeTrue(json);
        return evt!;
    }

    private static bool Fails(string json, string nameProperty = "event_type") =>
        !StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(json), nameProperty, "s-1", At, out _);

    [Fact]
    public void Parses_avatar_start_talking()
    {
        var evt = Parse("""{"event_type":"avatar_start_talking","task_id":"t-1"}""");
        evt.Should().BeOfType<AvatarStartTalking>();
        evt.TaskId.Should().Be("t-1");
        evt.SessionId.Should().Be("s-1");
        evt.ReceivedAt.Should().Be(At);
        evt.Name.Should().Be(StreamingEvents.AvatarStartTalking);
        evt.ExtraFields.Should().BeEmpty();
    }

    [Fact]
    public void Parses_avatar_talking_message_with_its_message()
    {
        var evt = Parse("""{"event_type":"avatar_talking_message","task_id":"t-1","message":"Hello \u00e9 there"}""");
        evt.Should().BeOfType<AvatarTalkingMessage>().Which.Message.Should().Be("Hello é there");
        evt.TaskId.Should().Be("t-1");
    }

    [Fact]
    public void Parses_avatar_end_message()
    {
        Parse("""{"event_type":"avatar_end_message","task_id":"t-2"}""")
            .Should().BeOfType<AvatarEndMessage>().Which.TaskId.Should().Be("t-2");
    }

    [Fact]
    public void Parses_avatar_stop_talking_with_duration()
    {
        var evt = Parse("""{"task_id":"t-3","duration_ms":1234,"event_type":"avatar_stop_talking"}""");
        evt.Should().BeOfType<AvatarStopTalking>().Which.DurationMs.Should().Be(1234);
        evt.TaskId.Should().Be("t-3");
    }

    [Fact]
    public void Parses_a_fractional_duration_by_rounding()
    {
        Parse("""{"event_type":"avatar_stop_talking","duration_ms":1234.6}""")
            .Should().BeOfType<AvatarStopTalking>().Which.DurationMs.Should().Be(1235);
    }

    [Fact]
    public void Parses_user_start_and_user_stop()
    {
        Parse("""{"event_type":"user_start"}""").Should().BeOfType<UserStart>().Which.TaskId.Should().BeNull();
        Parse("""{"event_type":"user_stop"}""").Should().BeOfType<UserStop>();
    }

    [Fact]
    public void Parses_user_talking_message_and_user_end_message()
    {
        Parse("""{"event_type":"user_talking_message","task_id":"u-1","message":"hi"}""")
            .Should().BeOfType<UserTalkingMessage>().Which.Message.Should().Be("hi");
        Parse("""{"event_type":"user_end_message","task_id":"u-1"}""")
            .Should().BeOfType<UserEndMessage>().Which.TaskId.Should().Be("u-1");
    }

    [Fact]
    public void Parses_user_silence_counters()
    {
        var evt = Parse("""{"event_type":"user_silence","silence_times":2,"count_down":5}""")
            .Should().BeOfType<UserSilence>().Subject;
        evt.SilenceTimes.Should().Be(2);
        evt.CountDown.Should().Be(5);
    }

    [Theory]
    [InlineData("event_type", """{"event_type":"stream_ready"}""", "stream_ready")]
    [InlineData("event_type", """{"event_type":"connection_quality_changed","quality":"BAD"}""", "connection_quality_changed")]
    [InlineData("event_type", """{"event_type":"stream_disconnected","reason":"ClientStop","close_status":1000}""", "stream_disconnected")]
    [InlineData("type", """{"type":"stream_disconnected","reason":"IdleTimeout"}""", "stream_disconnected")]
    [InlineData("type", """{"task_id":"t","type":"stream_ready"}""", "stream_ready")]
    public void A_message_named_like_an_event_only_the_sdk_raises_is_refused_not_parsed_as_that_event(string nameProperty, string json, string name)
    {
        var result = StreamingEventParser.Parse(Encoding.UTF8.GetBytes(json), nameProperty, "s-1", At, cache: null, out var evt, out var refused);

        result.Should().Be(WireParseResult.ClientEventName);
        evt.Should().BeNull("a message carrying one of their names is not that event (ADR 0006)");
        refused.Should().Be(name);
        StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(json), nameProperty, "s-1", At, out _).Should().BeFalse();
    }

    [Fact]
    public void A_client_event_name_in_another_property_or_as_a_prefix_is_not_refused()
    {
        Parse("""{"event_type":"user_start","type":"stream_ready"}""").Should().BeOfType<UserStart>();
        Parse("""{"event_type":"stream_ready_soon"}""").Should().BeOfType<UnknownStreamingEvent>().Which.Name.Should().Be("stream_ready_soon");
    }

    [Fact]
    public void Unknown_event_names_pass_through_with_the_raw_json()
    {
        const string json = """{"event_type":"avatar_waved","task_id":"t-9","hand":"left"}""";
        var evt = Parse(json).Should().BeOfType<UnknownStreamingEvent>().Subject;
        evt.Name.Should().Be("avatar_waved");
        evt.RawJson.Should().Be(json);
        evt.TaskId.Should().Be("t-9");
        evt.ExtraFields["hand"].GetString().Should().Be("left");
    }

    [Fact]
    public void Unknown_fields_are_kept_as_extra_fields()
    {
        var evt = Parse("""{"event_type":"avatar_talking_message","task_id":"t","message":"m","emotion":"happy","meta":{"a":[1,2]},"n":3}""");
        evt.Should().BeOfType<AvatarTalkingMessage>().Which.Message.Should().Be("m");
        evt.ExtraFields.Should().HaveCount(3);
        evt.ExtraFields["emotion"].GetString().Should().Be("happy");
        evt.ExtraFields["meta"].GetProperty("a")[1].GetInt32().Should().Be(2);
        evt.ExtraFields["n"].GetInt32().Should().Be(3);
    }

    [Fact]
    public void Extra_fields_outlive_the_input_buffer()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"event_type":"user_start","x":{"y":"z"}}""");
        StreamingEventParser.TryParse(bytes, "event_type", null, At, out var evt).Should().BeTrue();
        Array.Clear(bytes);
        evt!.ExtraFields["x"].GetProperty("y").GetString().Should().Be("z");
    }

    [Fact]
    public void A_field_of_an_unexpected_type_goes_to_extra_fields()
    {
        var evt = Parse("""{"event_type":"avatar_stop_talking","duration_ms":"soon","message":"not modelled here"}""");
        evt.Should().BeOfType<AvatarStopTalking>().Which.DurationMs.Should().Be(0);
        evt.ExtraFields["duration_ms"].GetString().Should().Be("soon");
        evt.ExtraFields["message"].GetString().Should().Be("not modelled here");
    }

    [Fact]
    public void A_numeric_task_id_becomes_its_text()
    {
        Parse("""{"event_type":"avatar_start_talking","task_id":12345678901}""").TaskId.Should().Be("12345678901");
    }

    [Fact]
    public void A_null_task_id_is_no_task()
    {
        Parse("""{"event_type":"avatar_start_talking","task_id":null}""").TaskId.Should().BeNull();
    }

    [Fact]
    public void The_data_channel_names_the_event_in_type()
    {
        var evt = Parse("""{"type":"avatar_talking_message","task_id":"t","message":"hey"}""", "type");
        evt.Should().BeOfType<AvatarTalkingMessage>().Which.Message.Should().Be("hey");
        evt.ExtraFields.Should().BeEmpty();
    }

    [Fact]
    public void On_the_data_channel_event_type_is_just_an_extra_field()
    {
        var evt = Parse("""{"type":"user_start","event_type":"something"}""", "type");
        evt.Should().BeOfType<UserStart>();
        evt.ExtraFields["event_type"].GetString().Should().Be("something");
    }

    [Fact]
    public void A_session_id_in_the_message_wins_over_the_connection_one()
    {
        Parse("""{"event_type":"user_start","session_id":"other"}""").SessionId.Should().Be("other");
        Parse("""{"event_type":"user_start"}""", sessionId: null).SessionId.Should().BeNull();
    }

    [Fact]
    public void Escaped_event_names_are_recognised()
    {
        Parse("""{"event_type":"user\u005fstart"}""").Should().BeOfType<UserStart>();
        Parse($$"""{"event_type":"{{EscapeEvery("avatar_talking_message")}}","message":"hi"}""").Should().BeOfType<AvatarTalkingMessage>();

        // The longest name the parser knows, every byte escaped: still that name (refused: only the SDK raises it).
        var result = StreamingEventParser.Parse(Encoding.UTF8.GetBytes($$"""{"event_type":"{{EscapeEvery("connection_quality_changed")}}"}"""), "event_type", "s-1", At, null, out _, out var refused);
        result.Should().Be(WireParseResult.ClientEventName);
        refused.Should().Be("connection_quality_changed");

        // One byte longer than any known name can be when escaped: an unknown event, its name kept.
        Parse($$"""{"event_type":"{{EscapeEvery("connection_quality_changed")}}\u0078"}""").Should().BeOfType<UnknownStreamingEvent>()
            .Which.Name.Should().Be("connection_quality_changedx");
    }

    private static string EscapeEvery(string name) => string.Concat(name.Select(c => $"\\u{(int)c:x4}"));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"event_type\":\"user_start\"")]
    [InlineData("{\"event_type\":\"user_start\"} trailing")]
    [InlineData("[\"event_type\",\"user_start\"]")]
    [InlineData("\"user_start\"")]
    [InlineData("{\"task_id\":\"t\"}")]
    [InlineData("{\"event_type\":42}")]
    [InlineData("{\"event_type\":null}")]
    [InlineData("{\"nested\":{\"event_type\":\"user_start\"}}")]
    [InlineData("{\"event_type\":\"user_start\",}")]
    public void Malformed_input_is_rejected(string json)
    {
        Fails(json).Should().BeTrue();
    }

    [Fact]
    public void The_chat_socket_name_is_not_read_on_the_data_channel()
    {
        Fails("""{"event_type":"user_start"}""", "type").Should().BeTrue();
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        var bytes = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        StreamingEventParser.TryParse(bytes, "event_type", null, At, out _).Should().BeFalse();
    }

    [Fact]
    public void The_cache_shares_the_task_id_string_between_events_of_one_task()
    {
        var cache = new StreamingEventParserCache();
        StreamingEventParser.TryParse("""{"event_type":"avatar_talking_message","task_id":"t-7","message":"a"}"""u8, "event_type", null, At, cache, out var first).Should().BeTrue();
        StreamingEventParser.TryParse("""{"event_type":"avatar_talking_message","task_id":"t-7","message":"b"}"""u8, "event_type", null, At, cache, out var second).Should().BeTrue();
        StreamingEventParser.TryParse("""{"event_type":"avatar_talking_message","task_id":7,"message":"c"}"""u8, "event_type", null, At, cache, out var third).Should().BeTrue();
        StreamingEventParser.TryParse("""{"event_type":"avatar_talking_message","task_id":7,"message":"d"}"""u8, "event_type", null, At, cache, out var fourth).Should().BeTrue();

        ReferenceEquals(first!.TaskId, second!.TaskId).Should().BeTrue();
        third!.TaskId.Should().Be("7");
        ReferenceEquals(third.TaskId, fourth!.TaskId).Should().BeTrue();
    }

    [Fact]
    public void A_typical_event_allocates_little()
    {
        var cache = new StreamingEventParserCache();
        var json = """{"event_type":"avatar_talking_message","task_id":"3f1c2a9e-task","message":"Hello there, "}"""u8.ToArray();
        for (var i = 0; i < 100; i++)
        {
            StreamingEventParser.TryParse(json, "event_type", "s-1", At, cache, out _);
        }

        const int Count = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            StreamingEventParser.TryParse(json, "event_type", "s-1", At, cache, out _);
        }

        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;
        perEvent.Should().BeLessThanOrEqualTo(200, "the record and its message string are all a typical event costs");
    }

    [Fact]
    public void Extra_fields_are_json_elements_that_compare_by_text()
    {
        var evt = Parse("""{"event_type":"user_start","v":1.50}""");
        evt.ExtraFields["v"].ValueKind.Should().Be(JsonValueKind.Number);
        evt.ExtraFields["v"].GetRawText().Should().Be("1.50");
    }
}
