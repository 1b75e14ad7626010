using System.Net;
using System.Text.Json;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Speech;

public sealed class SpeakingTests
{
    private const string SixWords = "one two three four five six";

    [Fact]
    public async Task A_sync_task_answers_when_speaking_ended_with_the_words_per_minute_duration()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();

        var answer = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = SixWords }, Credential.Bearer(token));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Data.GetProperty("duration_ms").GetInt64().Should().Be(2400); // 6 words at 150 wpm
        var task = server.GetSession(sessionId)!.Tasks.Should().ContainSingle().Subject;
        task.State.Should().Be(SpokenTaskState.Completed);
        task.TaskId.Should().Be(answer.Data.GetProperty("task_id").GetString());
        task.SpokenText.Should().Be(SixWords);
    }

    [Theory]
    [InlineData("Hello from the browser", new[] { "Hello from the", " browser" })]
    [InlineData("One,  two\nthree four. Five", new[] { "One,  two\nthree", " four. Five" })]
    public async Task Talking_message_chunks_carry_their_own_spacing_so_they_join_verbatim_into_the_text(string text, string[] expected)
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        (await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text, task_mode = "async" }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        await chat.WaitForAsync("avatar_stop_talking");

        var chunks = chat.All.Where(e => e.GetProperty("event_type").GetString() == "avatar_talking_message").Select(e => e.GetProperty("message").GetString()!).ToList();
        chunks.Should().Equal(expected, "three words a chunk, each after the first starting with the whitespace before it");
        string.Concat(chunks).Should().Be(text, "the official web demo joins the chunks as they are");
    }

    [Fact]
    public async Task The_voice_rate_scales_the_pace()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { voice = new { rate = 1.5 } });

        var answer = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = SixWords, task_mode = "async" }, Credential.Bearer(token));

        answer.Data.GetProperty("duration_ms").GetInt64().Should().Be(1600);
    }

    [Fact]
    public async Task Tasks_are_spoken_in_order_one_after_another()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);

        var ids = new List<string>();
        foreach (var text in new[] { "first task here", "second task here", "third task here" })
        {
            var answer = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text, task_mode = "async" }, Credential.Bearer(token));
            ids.Add(answer.Data.GetProperty("task_id").GetString()!);
        }

        await chat.WaitForAsync(e => Is(e, "avatar_stop_talking") && e.GetProperty("task_id").GetString() == ids[2]);
        var starts = chat.All.Where(e => Is(e, "avatar_start_talking")).Select(e => e.GetProperty("task_id").GetString());
        starts.Should().Equal(ids);
        var sequence = chat.All.Select(e => $"{e.GetProperty("event_type").GetString()}:{e.GetProperty("task_id").GetString()}").ToList();
        sequence.IndexOf($"avatar_stop_talking:{ids[0]}").Should().BeLessThan(sequence.IndexOf($"avatar_start_talking:{ids[1]}"));
    }

    [Fact]
    public async Task Interrupt_stops_the_speech_reports_the_time_spoken_and_drops_the_queue()
    {
        await using var server = await Servers.StartAsync(o => o.TimeScale = 0.1);
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
        var longText = string.Join(' ', Enumerable.Repeat("ab", 200)); // 80 s model, 8 s real: the interrupt comes long before the end
        var speaking = api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = longText }, Credential.Bearer(token));
        await chat.WaitForAsync("avatar_talking_message");
        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "never spoken", task_mode = "async" }, Credential.Bearer(token));

        (await api.PostAsync("/v1/streaming/interrupt", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        var answer = await speaking.WaitAsync(ChatClient.Wait);
        var stop = await chat.WaitForAsync("avatar_stop_talking");
        var spoken = answer.Data.GetProperty("duration_ms").GetInt64();
        spoken.Should().BeLessThan(80_000).And.Be(stop.GetProperty("duration_ms").GetInt64());
        stop.GetProperty("task_id").GetString().Should().Be(answer.Data.GetProperty("task_id").GetString());
        var tasks = server.GetSession(sessionId)!.Tasks;
        tasks.Should().HaveCount(2).And.OnlyContain(t => t.State == SpokenTaskState.Interrupted);
        await Task.Delay(200);
        chat.All.Count(e => Is(e, "avatar_start_talking")).Should().Be(1);
        chat.EventTypes.Should().NotContain("avatar_end_message");
    }

    [Fact]
    public async Task Talk_speaks_a_deterministic_reply_from_the_session_prompt()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { knowledge_base = "You are a pirate." });

        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "Hello!", task_type = "talk" }, Credential.Bearer(token));
        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "Hello!", task_type = "chat" }, Credential.Bearer(token));

        var tasks = server.GetSession(sessionId)!.Tasks;
        tasks.Select(t => t.SpokenText).Should().AllBe("You said: Hello. I answer as told: You are a pirate.");
        tasks.Should().OnlyContain(t => t.TaskType == Api.TaskType.Talk && t.RequestText == "Hello!");
    }

    [Fact]
    public async Task The_responder_is_replaceable()
    {
        await using var server = await Servers.StartAsync();
        server.Responder = context => $"Echo from {context.KnowledgeBaseId}: {context.UserText} / {context.Opening}";
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync(new { knowledge_base_id = "kb-sales" });

        await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "price?", task_type = "talk" }, Credential.Bearer(token));

        server.GetSession(sessionId)!.Tasks.Single().SpokenText.Should().Be("Echo from kb-sales: price? / Welcome! Looking for a plan?");
    }

    [Fact]
    public async Task A_throwing_responder_is_a_processing_error_on_rest_and_leaves_the_socket_open()
    {
        await using var server = await Servers.StartAsync();
        server.Responder = _ => throw new InvalidOperationException("model down");
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);

        var answer = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "hi", task_type = "talk" }, Credential.Bearer(token));
        await chat.SendTypedAsync("first");
        await chat.SendTypedAsync("second");

        answer.ShouldBeError(HttpStatusCode.InternalServerError, "PROCESSING_ERROR");
        await chat.WaitForAsync(e => Is(e, "user_talking_message") && e.GetProperty("message").GetString() == "second");
    }

    [Fact]
    public async Task The_time_scale_changes_delays_not_the_order_of_events()
    {
        async Task<IReadOnlyList<string>> RunAsync(double scale)
        {
            await using var server = await Servers.StartAsync(o => o.TimeScale = scale);
            using var api = new ApiClient(server);
            var (token, sessionId) = await api.NewSessionAsync();
            await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
            await Chat.ChatSocketTests.WaitForSocketAsync(server, sessionId, 1);
            await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "a b c d e f g", task_mode = "async" }, Credential.Bearer(token));
            await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "h i j k", task_mode = "async" }, Credential.Bearer(token));
            await chat.WaitForAsync(e => Is(e, "avatar_stop_talking") && chat.All.Count(x => Is(x, "avatar_stop_talking")) == 2);
            return [.. chat.All.Select(e => $"{e.GetProperty("event_type").GetString()}|{(e.TryGetProperty("message", out var m) ? m.GetString() : null)}")];
        }

        var fast = await RunAsync(0.002);
        var slower = await RunAsync(0.03);

        fast.Should().Equal(slower);
    }

    private static bool Is(JsonElement e, string type) => e.GetProperty("event_type").GetString() == type;
}
