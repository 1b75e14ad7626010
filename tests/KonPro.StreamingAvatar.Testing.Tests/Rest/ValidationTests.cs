using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Rest;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("{\"voice\":{\"rate\":0.4}}", "voice.rate")]
    [InlineData("{\"voice\":{\"rate\":1.6}}", "voice.rate")]
    [InlineData("{\"voice\":{\"rate\":\"fast\"}}", "voice.rate")]
    [InlineData("{\"voice\":{\"emotion\":\"angry\"}}", "voice.emotion")]
    [InlineData("{\"voice\":{\"elevenlabs_settings\":{\"stability\":2}}}", "voice.elevenlabs_settings.stability")]
    [InlineData("{\"voice\":{\"elevenlabs_settings\":{\"model_id\":\"eleven_v9\"}}}", "voice.elevenlabs_settings.model_id")]
    [InlineData("{\"activity_idle_timeout\":29}", "activity_idle_timeout")]
    [InlineData("{\"activity_idle_timeout\":3601}", "activity_idle_timeout")]
    [InlineData("{\"activity_idle_timeout\":45.5}", "activity_idle_timeout")]
    [InlineData("{\"stt_settings\":{\"confidence\":1.1}}", "stt_settings.confidence")]
    [InlineData("{\"stt_settings\":{\"confidence\":-0.1}}", "stt_settings.confidence")]
    [InlineData("{\"stt_settings\":{\"provider\":\"whisper\"}}", "stt_settings.provider")]
    [InlineData("{\"language\":\"en-US\"}", "language")]
    [InlineData("{\"quality\":\"ultra\"}", "quality")]
    [InlineData("{\"video_encoding\":\"AV1\"}", "video_encoding")]
    [InlineData("{\"silence_response\":\"yes\"}", "silence_response")]
    [InlineData("[1,2]", "body")]
    [InlineData("{not json", "body")]
    public async Task Bad_new_fields_are_validation_errors_naming_the_field(string body, string field)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/streaming/new", body, null);

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be(field);
    }

    [Fact]
    public async Task Edge_values_and_unknown_fields_are_accepted()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.PostAsync("/v1/streaming/new", new
        {
            voice = new { rate = 0.5, emotion = "soothing", elevenlabs_settings = new { stability = 0, model_id = "eleven_flash_v2_5" } },
            stt_settings = new { provider = "assembly_ai", confidence = 1 },
            activity_idle_timeout = 3600,
            language = "ja",
            video_encoding = "H264",
            something_new = new { nested = true },
        });

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
    }

    [Theory]
    [InlineData("{\"text\":\"\"}", "text")]
    [InlineData("{\"text\":\"   \"}", "text")]
    [InlineData("{}", "text")]
    [InlineData("{\"text\":\"hi\",\"task_type\":\"sing\"}", "task_type")]
    [InlineData("{\"text\":\"hi\",\"task_mode\":\"later\"}", "task_mode")]
    public async Task Bad_task_fields_are_validation_errors(string fields, string field)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        var body = fields.Insert(1, $"\"session_id\":\"{sessionId}\"" + (fields == "{}" ? string.Empty : ","));

        var answer = await api.SendAsync(HttpMethod.Post, "/v1/streaming/task", body, Credential.Bearer(token));

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be(field);
    }

    [Fact]
    public async Task Task_text_is_at_most_1000_characters()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        var tooLong = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = new string('a', 1001) }, Credential.Bearer(token));
        var justRight = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = new string('a', 1000), task_mode = "async" }, Credential.Bearer(token));

        tooLong.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        tooLong.ErrorField.Should().Be("text");
        justRight.Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Task_text_length_counts_code_points_as_the_sdk_does()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        var emoji = char.ConvertFromUtf32(0x1F600);

        var thousand = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = string.Concat(Enumerable.Repeat(emoji, 1000)), task_mode = "async" }, Credential.Bearer(token));
        var thousandAndOne = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = string.Concat(Enumerable.Repeat(emoji, 1001)) }, Credential.Bearer(token));

        thousand.Status.Should().Be(HttpStatusCode.OK, "1,000 emoji are 1,000 characters (2,000 UTF-16 units)");
        thousandAndOne.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        thousandAndOne.ErrorField.Should().Be("text");
    }

    [Fact]
    public async Task A_missing_session_id_is_a_validation_error()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.PostAsync("/v1/streaming/start", new { });

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be("session_id");
    }
}
