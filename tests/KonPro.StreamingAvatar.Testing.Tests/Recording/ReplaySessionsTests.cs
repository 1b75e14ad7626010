using KonPro.Streaming.Testing.Recording;

namespace KonPro.Streaming.Testing.Tests.Recording;

public sealed class ReplaySessionsTests
{
    [Fact]
    public void Requests_go_to_the_recording_with_the_recorded_id_and_answers_come_back_with_the_fresh_one()
    {
        var sessions = new ReplaySessions(TimeProvider.System);
        var one = sessions.Register("rec-1234");
        var two = sessions.Register("rec-1234");

        var request = ReplaySessions.ToRecorded($$"""{"session_id":"{{one.FreshId}}","text":"hi"}""", one);
        var frame = sessions.ToFresh("""{"event_type":"avatar_start_talking","session_id":"rec-1234","task_id":"rec-1234-task-1"}""", two);

        one.FreshId.Should().NotBe(two.FreshId).And.NotBe("rec-1234");
        sessions.Find(one.FreshId).Should().BeSameAs(one);
        sessions.Find("rec-1234").Should().BeNull("the recorded id is not handed out");
        request.Should().Be("""{"session_id":"rec-1234","text":"hi"}""");
        frame.Should().Be($$"""{"event_type":"avatar_start_talking","session_id":"{{two.FreshId}}","task_id":"{{two.FreshId}}-task-1"}""");
    }

    [Fact]
    public void Every_redacted_secret_in_an_answer_becomes_a_fresh_value_the_replay_then_accepts()
    {
        var answer = "{\"data\":{\"access_token\":\"" + RecordingRedactor.Placeholder + "\",\"livekit_agent_token\":\"" + RecordingRedactor.Placeholder + "\"}}";

        var sessions = new ReplaySessions(TimeProvider.System);

        var first = sessions.ToFresh(answer, session: null);
        var second = sessions.ToFresh(answer, session: null);

        first.Should().NotContain(RecordingRedactor.Placeholder);
        first.Should().NotBe(second);
        first.Split("replay_").Should().HaveCount(3, "each placeholder gets its own value");
        sessions.Issued(System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("data").GetProperty("access_token").GetString()).Should().BeTrue();
        sessions.Issued("replay_made_up").Should().BeFalse();
    }
}
