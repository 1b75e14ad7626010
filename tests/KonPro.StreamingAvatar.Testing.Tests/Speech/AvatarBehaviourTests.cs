using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Speech;

public sealed class AvatarBehaviourTests
{
    [Fact]
    public async Task REST_tasks_and_the_sockets_user_turns_and_answers_share_one_task_id_sequence()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        var task = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "one", task_mode = "sync" }, Credential.Bearer(token));
        await chat.SendTypedAsync("two");
        var userTurn = await chat.WaitForAsync("user_end_message");
        var answer = await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "avatar_start_talking" && e.GetProperty("task_id").GetString() != task.Data.GetProperty("task_id").GetString());

        var ids = new[] { task.Data.GetProperty("task_id").GetString()!, userTurn.GetProperty("task_id").GetString()!, answer.GetProperty("task_id").GetString()! };
        ids.Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        ids.Should().AllSatisfy(id => id.Should().MatchRegex("^task-[0-9a-f]{8}$"));
    }
}
