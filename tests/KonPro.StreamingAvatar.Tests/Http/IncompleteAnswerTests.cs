using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Http;

/// <summary>
/// Success statuses whose body the generated client cannot turn into a complete result, scripted on the fake's
/// REST faults over loopback: each becomes a typed <see cref="KonProApiException"/>, never a NullReferenceException.
/// </summary>
public sealed class IncompleteAnswerTests
{
    public static TheoryData<string, string> NewSessionAnswers => new()
    {
        { "data null", """{"code":100,"message":"success","data":null}""" },
        { "empty object", "{}" },
        { "empty data", """{"code":100,"message":"success","data":{}}""" },
        { "no session id", """{"code":100,"message":"success","data":{"access_token":"a","url":"wss://room","session_duration_limit":600}}""" },
        { "null session id", """{"code":100,"message":"success","data":{"session_id":null,"access_token":"a","url":"wss://room","session_duration_limit":600}}""" },
        { "code 0", """{"code":0,"message":"success","data":{"session_id":"s","access_token":"a","url":"wss://room","session_duration_limit":600}}""" },
        { "code as unreadable string", """{"code":"WEIRD","message":"success","data":{"session_id":"s","access_token":"a","url":"wss://room","session_duration_limit":600}}""" },
        { "non-success code", """{"code":10005,"message":"busy","data":null}""" },
        { "not JSON", "<html>gateway says hello</html>" },
        { "JSON null", "null" },
        { "empty body", "" },
        { "a JSON array", "[1,2,3]" },
        { "lone surrogate", """{"code":100,"message":"\ud800","data":{"session_id":"\udc00","access_token":"a","url":"wss://room","session_duration_limit":600}}""" },
    };

    public static TheoryData<string, string> SendTaskAnswers => new()
    {
        { "data null", """{"code":100,"message":"success","data":null}""" },
        { "empty object", "{}" },
        { "empty data", """{"code":100,"message":"success","data":{}}""" },
        { "null task id", """{"code":100,"message":"success","data":{"task_id":null}}""" },
        { "code 0", """{"code":0,"message":"success","data":{"task_id":"t1","duration_ms":10}}""" },
        { "non-success code", """{"code":40001,"message":"no","data":{"task_id":"t1"}}""" },
        { "not JSON", "OK" },
        { "JSON null", "null" },
        { "truncated", """{"code":100,"message":"success","data":{"task_id":"t""" },
    };

    [Theory]
    [MemberData(nameof(NewSessionAnswers))]
    public async Task New_session_turns_an_incomplete_answer_into_a_typed_error_and_stays_reusable(string shape, string body)
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Raw(200, body));

        var act = () => avatar.NewSessionAsync(new StartAvatarRequest());

        var error = (await act.Should().ThrowAsync<KonProApiException>(shape)).Which;
        error.Status.Should().Be(200);
        error.Operation.Should().Be("NewSession");
        avatar.CurrentState.Should().Be(SessionState.Inactive, "a failed new leaves the instance reusable");
        var session = await avatar.NewSessionAsync(new StartAvatarRequest());
        session.SessionId.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [MemberData(nameof(SendTaskAnswers))]
    public async Task Send_task_turns_an_incomplete_answer_into_a_typed_error(string shape, string body)
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Faults.FailNext(KonProOperationIds.SendTask, 1, FaultAnswer.Raw(200, body));

        var act = () => avatar.SpeakAsync(new SpeakRequest { Text = "Hello.", TaskMode = TaskMode.Async });

        var error = (await act.Should().ThrowAsync<KonProApiException>(shape)).Which;
        error.Status.Should().Be(200);
        error.Operation.Should().Be("SendTask");
        var next = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello again.", TaskMode = TaskMode.Async });
        next.TaskId.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task The_message_shows_the_body_start_with_secrets_masked()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        const string body = """{"code":100,"message":"success","data":{"session_id":"s-1","access_token":"room-secret-xyz","realtime_endpoint":"wss://rt/secret-path"}}""";
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Raw(200, body));

        var act = () => avatar.NewSessionAsync(new StartAvatarRequest());

        var error = (await act.Should().ThrowAsync<KonProApiException>()).Which;
        error.Message.Should().Contain("s-1", "the body's first bytes say what came back")
            .And.Contain("url", "the reason names the missing field")
            .And.NotContain("room-secret-xyz").And.NotContain("secret-path").And.NotContain(scope.Server.ApiKey);
        error.ToString().Should().NotContain("room-secret-xyz");
    }

    [Fact]
    public async Task A_long_body_is_cut_to_its_first_characters()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        var body = "<html>" + new string('x', 10_000) + "</html>";
        scope.Server.Faults.FailNext(KonProOperationIds.NewSession, 1, FaultAnswer.Raw(200, body));

        var act = () => avatar.NewSessionAsync(new StartAvatarRequest());

        var error = (await act.Should().ThrowAsync<KonProApiException>()).Which;
        error.Message.Length.Should().BeLessThan(1_000);
        error.Message.Should().Contain("<html>xxx");
    }
}
