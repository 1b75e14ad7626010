using System.Net;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Strict;

public sealed class StrictModeTests
{
    [Theory]
    [InlineData("{\"voice\":{\"rate\":\"fast\"}}", "$.voice.rate", "type")]
    [InlineData("{\"activity_idle_timeout\":60.5}", "$.activity_idle_timeout", "type")]
    [InlineData("{\"quality\":\"ultra\"}", "$.quality", "enum")]
    [InlineData("{\"voice\":{\"rate\":0.1}}", "$.voice.rate", "minimum")]
    [InlineData("{\"activity_idle_timeout\":4000}", "$.activity_idle_timeout", "maximum")]
    [InlineData("{\"language\":\"en-US\"}", "$.language", "pattern")]
    [InlineData("{\"avatar_id\":\"default\",\"avatar_colour\":\"blue\"}", "$.avatar_colour", "unknown-field")]
    public async Task Strict_mode_records_each_kind_of_violation_with_its_path_and_rule(string body, string path, string rule)
    {
        await using var server = await Servers.StartAsync(o => o.StrictMode = true);
        using var api = new ApiClient(server);

        await api.SendAsync(HttpMethod.Post, "/v1/streaming/new", body, null);

        server.Journal.SpecViolations.Should().ContainSingle()
            .Which.Should().Match<SpecViolation>(v => v.JsonPath == path && v.Rule == rule && v.OperationId == KonProOperationIds.NewSession);
    }

    [Theory]
    [InlineData("{\"session_id\":\"s\"}", "$.text", "required")]
    [InlineData("{\"session_id\":\"\",\"text\":\"hi\"}", "$.session_id", "minLength")]
    public async Task Strict_mode_checks_every_operations_body(string body, string path, string rule)
    {
        await using var server = await Servers.StartAsync(o => o.StrictMode = true);
        using var api = new ApiClient(server);

        await api.SendAsync(HttpMethod.Post, "/v1/streaming/task", body, null);

        server.Journal.SpecViolations.Should().Contain(v => v.JsonPath == path && v.Rule == rule && v.OperationId == KonProOperationIds.SendTask);
    }

    [Fact]
    public async Task Without_rejects_an_unknown_field_is_recorded_and_the_call_still_succeeds()
    {
        await using var server = await Servers.StartAsync(o => o.StrictMode = true);
        using var api = new ApiClient(server);

        var answer = await api.PostAsync("/v1/streaming/new", new { avatar_id = "default", mood = "happy" });

        answer.Status.Should().Be(HttpStatusCode.OK, answer.Text);
        server.Journal.SpecViolations.Should().ContainSingle(v => v.Rule == "unknown-field");
    }

    [Fact]
    public async Task With_rejects_a_violation_is_a_400_naming_the_field_and_the_rule()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.StrictMode = true;
            o.StrictModeRejects = true;
        });
        using var api = new ApiClient(server);

        var answer = await api.PostAsync("/v1/streaming/new", new { avatar_id = "default", mood = "happy" });

        answer.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        answer.ErrorField.Should().Be("mood");
        answer.ErrorMessage.Should().Contain("spec rule: unknown-field");
        server.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task A_request_that_follows_the_spec_has_no_violation_and_strict_mode_is_off_by_default()
    {
        await using var strict = await Servers.StartAsync(o => o.StrictMode = true);
        await using var lenient = await Servers.StartAsync();
        var body = new { avatar_id = "default", quality = "high", voice = new { rate = 1.2, emotion = "friendly" }, language = "en", activity_idle_timeout = 120 };

        using (var api = new ApiClient(strict))
        {
            (await api.PostAsync("/v1/streaming/new", body)).Status.Should().Be(HttpStatusCode.OK);
        }

        using (var api = new ApiClient(lenient))
        {
            (await api.PostAsync("/v1/streaming/new", new { avatar_id = "default", mood = "happy" })).Status.Should().Be(HttpStatusCode.OK);
        }

        strict.Journal.SpecViolations.Should().BeEmpty();
        lenient.Journal.SpecViolations.Should().BeEmpty();
    }
}
