using System.Text.Json.Nodes;
using KonPro.Streaming.Testing.Recording;

namespace KonPro.Streaming.Testing.Tests.Recording;

public sealed class RecordingRedactorTests
{
    private const string ApiKey = "key-4a1b2c3d4e";
    private const string SessionToken = "st_9f8e7d6c5b4a";

    [Fact]
    public void A_mapping_loses_its_credential_headers_and_the_answers_tokens_and_learns_them()
    {
        var redactor = new RecordingRedactor();
        var mapping = """
            {"Request":{"Path":{"Matchers":[{"Name":"WildcardMatcher","Pattern":"/v1/streaming/new"}]},
             "Body":{"Matcher":{"Name":"ExactMatcher","Pattern":"{\"livekit_settings\":{\"url\":\"wss://own.example\",\"token\":\"own-livekit-token-1\"}}"}},
             "Headers":[{"Name":"x-api-key","Matchers":[{"Name":"WildcardMatcher","Pattern":"key-4a1b2c3d4e"}]},
                        {"Name":"Authorization","Matchers":[{"Name":"WildcardMatcher","Pattern":"Bearer st_9f8e7d6c5b4a"}]},
                        {"Name":"User-Agent","Matchers":[{"Name":"WildcardMatcher","Pattern":"sdk"}]}]},
             "Response":{"StatusCode":200,"Headers":{"Transfer-Encoding":"chunked","Content-Type":"application/json"},
              "Body":"{\"data\":{\"session_id\":\"s-1\",\"access_token\":\"lk.jwt.one\",\"livekit_agent_token\":\"lk.jwt.two\",\"realtime_endpoint\":\"ws://h/v1/ws/streaming.realtime/secret-path-123\",\"url\":\"wss://room.example?access_token=lk.jwt.three\"}}"}}
            """;

        var redacted = redactor.RedactMapping(mapping);

        var node = JsonNode.Parse(redacted)!;
        node["Request"]!["Headers"].Should().BeNull("replay matches whoever calls; the headers carried the credentials");
        node["Response"]!["Headers"]!["Transfer-Encoding"].Should().BeNull();
        var body = JsonNode.Parse(node["Response"]!["Body"]!.GetValue<string>())!["data"]!;
        body["session_id"]!.GetValue<string>().Should().Be("s-1");
        body["access_token"]!.GetValue<string>().Should().Be(RecordingRedactor.Placeholder);
        body["livekit_agent_token"]!.GetValue<string>().Should().Be(RecordingRedactor.Placeholder);
        body["realtime_endpoint"]!.GetValue<string>().Should().Be(RecordingRedactor.PlaceholderUrl);
        body["url"]!.GetValue<string>().Should().Be("wss://room.example?access_token=" + RecordingRedactor.Placeholder);
        redacted.Should().NotContain("secret-path-123");
        JsonNode.Parse(node["Request"]!["Body"]!["Matcher"]!["Pattern"]!.GetValue<string>())!["livekit_settings"]!["token"]!.GetValue<string>()
            .Should().Be(RecordingRedactor.Placeholder, "a request body's token is a secret too");
        foreach (var secret in new[] { ApiKey, SessionToken, "own-livekit-token-1", "lk.jwt.one", "lk.jwt.two", "lk.jwt.three", "ws://h/v1/ws/streaming.realtime/secret-path-123" })
        {
            redacted.Should().NotContain(secret);
            redactor.Redact($"echo {secret} echo").Should().Be($"echo {RecordingRedactor.Placeholder} echo", "the secret was learned");
        }
    }

    [Fact]
    public void A_create_token_answer_and_a_chat_url_are_redacted()
    {
        var redactor = new RecordingRedactor();

        var answer = redactor.RedactBody("{\"error\":null,\"data\":{\"token\":\"" + SessionToken + "\"}}");
        var url = redactor.RedactUrl($"/v1/ws/streaming.chat?session_id=s-1&session_token=other-token-77&push_to_talk=false");

        answer.Should().Be("{\"error\":null,\"data\":{\"token\":\"" + RecordingRedactor.Placeholder + "\"}}");
        url.Should().Be($"/v1/ws/streaming.chat?session_id=s-1&session_token={RecordingRedactor.Placeholder}&push_to_talk=false");
        redactor.Redact("Bearer other-token-77").Should().Be("Bearer " + RecordingRedactor.Placeholder);
    }

    [Fact]
    public void A_body_without_secrets_keeps_its_exact_text_and_short_values_are_never_learned()
    {
        var redactor = new RecordingRedactor();
        redactor.Learn("1");
        const string Event = """{"event_type":"avatar_talking_message","message":"1 2 3 \u00e9"}""";

        redactor.RedactBody(Event).Should().Be(Event);
    }

    [Fact]
    public void A_mapping_keeps_the_recorded_latency_as_its_delay()
    {
        var redactor = new RecordingRedactor();

        var redacted = redactor.RedactMapping("""{"Request":{},"Response":{"StatusCode":200,"Body":"{}"}}""", TimeSpan.FromMilliseconds(1234.4));

        JsonNode.Parse(redacted)!["Response"]!["Delay"]!.GetValue<int>().Should().Be(1234);
    }
}
