using System.Net;
using System.Net.WebSockets;
using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Recording;

/// <summary>Record a session through the fake in record mode (a second fake as the upstream), then replay it, over the wire.</summary>
public sealed class RecordReplayTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "konpro-recording-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_replayed_session_gets_fresh_ids_the_recorded_answers_and_events_and_unrecorded_calls_are_named()
    {
        // Arrange: record one session (create_token, new, start, chat socket, a sync task, stop).
        string recordedId;
        List<string> recordedEvents;
        await using (var upstream = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.05 }))
        await using (var recorder = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri(upstream.Url), RecordDirectory = _directory }))
        {
            (recordedId, recordedEvents, var recordedClose) = await ConverseAsync(recorder, upstream.ApiKey);
            recordedClose.Status.Should().Be(WebSocketCloseStatus.NormalClosure);
        }

        // Act: the same conversation against the replay, with the upstream gone.
        await using var replay = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ReplayDirectory = _directory });
        var (replayedId, replayedEvents, close) = await ConverseAsync(replay, "any-key");
        using var api = new ApiClient(replay);
        var (token, second) = await NewAsync(api);
        var otherNew = await api.PostAsync("/v1/streaming/new", new { quality = "low" }, Credential.Bearer(token));
        var unrecorded = await api.PostAsync("/v1/streaming/task", new { session_id = second, text = "Never said", task_type = "repeat", task_mode = "sync" }, Credential.Bearer(token));
        await using var unknown = await ChatClient.ConnectAsync(replay, "no-such-session", token);
        await using var forged = await ChatClient.ConnectAsync(replay, second, "replay_forged");
        var forgedCall = await api.PostAsync("/v1/streaming/keep_alive", new { session_id = second }, Credential.Bearer("replay_forged"));

        // Assert
        replayedId.Should().NotBe(recordedId);
        second.Should().NotBe(replayedId).And.NotBe(recordedId);
        replayedEvents.Should().Equal(recordedEvents).And.Contain("avatar_stop_talking");
        close.Status.Should().Be(WebSocketCloseStatus.NormalClosure);
        close.Reason.Should().Be("session_stopped");
        otherNew.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        unrecorded.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        unrecorded.ErrorMessage.Should().Contain("POST /v1/streaming/task").And.Contain("Never said");
        (await unknown.WaitClosedAsync()).Status.Should().Be((WebSocketCloseStatus)4404);
        (await forged.WaitClosedAsync()).Status.Should().Be((WebSocketCloseStatus)4401, "a session token the replay never handed out");
        forgedCall.ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        Directory.EnumerateFiles(Path.Combine(_directory, "mappings"), "*_task_*").Select(File.ReadAllText).Should().ContainSingle()
            .Which.Should().Contain("\"Delay\":", "the sync task is answered after the recorded latency (when the avatar had finished)");
    }

    [Fact]
    public async Task Replay_matches_bodies_as_JSON_plays_no_events_for_a_refused_call_and_names_it_readably()
    {
        // Arrange: a session with two sync tasks, recorded by a client that sends compact JSON.
        List<string> recordedTasks = [];
        await using (var upstream = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.5 }))
        await using (var recorder = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri(upstream.Url), RecordDirectory = _directory }))
        {
            using var recording = new ApiClient(recorder);
            var (token, sessionId) = await NewAsync(recording, upstream.ApiKey);
            await using var chat = await ChatClient.ConnectAsync(recorder, sessionId, token);
            (await recording.PostAsync("/v1/streaming/start", $$"""{"session_id":"{{sessionId}}"}""", Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
            foreach (var text in new[] { "Hello there", "Second one" })
            {
                var task = await recording.PostAsync("/v1/streaming/task", $$"""{"session_id":"{{sessionId}}","text":"{{text}}","task_type":"repeat","task_mode":"sync"}""", Credential.Bearer(token));
                task.Status.Should().Be(HttpStatusCode.OK, task.Text);
                var taskId = task.Data.GetProperty("task_id").GetString()!;
                recordedTasks.Add(taskId);

                // The task's last event reaches the client before its next call: a frame is recorded as following the
                // last thing the client did when the frame reached it, and a sync task's answer can overtake its last
                // frame on a loaded machine (the frame would then follow the next call, and replay it only after that).
                await chat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "avatar_stop_talking" && e.GetProperty("task_id").GetString() == taskId);
            }

            (await recording.PostAsync("/v1/streaming/stop", $$"""{"session_id":"{{sessionId}}"}""", Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
            await chat.WaitClosedAsync();
        }

        await using var replay = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ReplayDirectory = _directory });
        using var api = new ApiClient(replay);
        var replayToken = (await api.PostAsync("/v1/streaming/create_token", "{}", Credential.Key("any-key"))).Data.GetProperty("token").GetString()!;

        // Act: the same calls with the keys in another order and spaces after the separators (as Python's json.dumps
        // writes them), and first a task the recording has no answer for.
        var created = await api.PostAsync("/v1/streaming/new", """{ "activity_idle_timeout": 3600 }""", Credential.Bearer(replayToken));
        var replayed = created.Data.GetProperty("session_id").GetString()!;
        await using var replayChat = await ChatClient.ConnectAsync(replay, replayed, replayToken);
        var started = await api.PostAsync("/v1/streaming/start", $$"""{ "session_id": "{{replayed}}" }""", Credential.Bearer(replayToken));
        var refused = await api.PostAsync("/v1/streaming/task", $$"""{"session_id": "{{replayed}}", "text": "Never said", "task_type": "repeat", "task_mode": "sync"}""", Credential.Bearer(replayToken));
        var otherSession = await api.PostAsync("/v1/streaming/task", """{"session_id": "not-a-replayed-session", "text": "Hello there", "task_type": "repeat", "task_mode": "sync"}""", Credential.Bearer(replayToken));
        var first = await api.PostAsync("/v1/streaming/task", $$"""{"task_mode": "sync", "task_type": "repeat", "text": "Hello there", "session_id": "{{replayed}}"}""", Credential.Bearer(replayToken));
        await replayChat.WaitForAsync("avatar_stop_talking");
        var afterFirst = replayChat.All.Select(e => e.GetProperty("task_id").GetString()).ToList();
        var second = await api.PostAsync("/v1/streaming/task", $$"""{"task_mode":"sync","session_id":"{{replayed}}","task_type":"repeat","text":"Second one"}""", Credential.Bearer(replayToken));
        await replayChat.WaitForAsync(e => e.GetProperty("event_type").GetString() == "avatar_stop_talking" && e.GetProperty("task_id").GetString() == recordedTasks[1]);

        // Assert
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        started.Status.Should().Be(HttpStatusCode.OK, started.Text);
        refused.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        refused.ErrorMessage.Should().Be(
            $$"""the recording has no answer for POST /v1/streaming/task with body {"session_id":"{{replayed}}","task_mode":"sync","task_type":"repeat","text":"Never said"}""");
        refused.Text.Should().NotContain("\\u0022", "the message quotes the request readably");
        otherSession.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        first.Status.Should().Be(HttpStatusCode.OK, first.Text);
        first.Data.GetProperty("task_id").GetString().Should().Be(recordedTasks[0]);
        afterFirst.Should().OnlyContain(id => id == recordedTasks[0], "the refused task played nothing: the first task's events followed the first task, and the second's had no call to follow yet");
        second.Status.Should().Be(HttpStatusCode.OK, second.Text);
        replayChat.All.Count(e => e.GetProperty("event_type").GetString() == "avatar_start_talking").Should().Be(2);
        Directory.EnumerateFiles(Path.Combine(_directory, "mappings")).Select(Path.GetFileName).Should()
            .NotBeEmpty().And.OnlyContain(name => name!.IndexOfAny(new[] { ' ', '(', ')' }) < 0 && !name.StartsWith('_'), "file names need no quoting in a shell");
    }

    [Fact]
    public async Task Stopping_the_recorder_or_the_replay_ends_their_open_chat_sockets_and_replay_refuses_a_call_without_credentials()
    {
        // Arrange: a session recorded up to an open socket, then the recorder stopped with that socket open.
        (WebSocketCloseStatus? Status, string? Reason, bool Aborted) recorderGone;
        await using (var upstream = await KonProFakeServer.StartAsync())
        {
            var recorder = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri(upstream.Url), RecordDirectory = _directory });
            using var recording = new ApiClient(recorder);
            var (token, sessionId) = await NewAsync(recording, upstream.ApiKey);
            await using var chat = await ChatClient.ConnectAsync(recorder, sessionId, token);
            await recorder.DisposeAsync();
            recorderGone = await chat.WaitClosedAsync();
        }

        await using var replay = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ReplayDirectory = _directory });
        using var api = new ApiClient(replay);
        var (replayToken, replayed) = await NewAsync(api, "any-key");
        var anonymous = await api.PostAsync("/v1/streaming/create_token", new { }, Credential.None);
        await using var replayChat = await ChatClient.ConnectAsync(replay, replayed, replayToken);

        // Act
        await replay.DisposeAsync();
        var replayGone = await replayChat.WaitClosedAsync();

        // Assert
        recorderGone.Should().Match<(WebSocketCloseStatus? Status, string? Reason, bool Aborted)>(c => c.Aborted || c.Status != null);
        replayGone.Status.Should().Be(WebSocketCloseStatus.EndpointUnavailable);
        replayGone.Reason.Should().Be("server_shutdown");
        anonymous.ShouldBeError(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task Record_and_replay_options_are_checked_before_anything_starts()
    {
        var proxyOnly = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri("http://127.0.0.1:1") });
        var notHttp = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri("ftp://x"), RecordDirectory = _directory });
        var noRecording = () => KonProFakeServer.StartAsync(new KonProFakeServerOptions { ReplayDirectory = _directory });

        (await proxyOnly.Should().ThrowAsync<ArgumentException>()).WithParameterName("RecordDirectory");
        (await notHttp.Should().ThrowAsync<ArgumentException>()).WithParameterName("ProxyUrl");
        (await noRecording.Should().ThrowAsync<ArgumentException>()).WithParameterName("ReplayDirectory");
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(string Token, string SessionId)> NewAsync(ApiClient api, string? apiKey = null)
    {
        var tokenAnswer = await api.PostAsync("/v1/streaming/create_token", new { }, Credential.Key(apiKey ?? api.Server.ApiKey));
        tokenAnswer.Status.Should().Be(HttpStatusCode.OK, tokenAnswer.Text);
        var token = tokenAnswer.Data.GetProperty("token").GetString()!;
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        return (token, created.Data.GetProperty("session_id").GetString()!);
    }

    // new, the chat socket, start, a sync task (its events, each checked to name the session), stop, the socket's close.
    private static async Task<(string SessionId, List<string> Events, (WebSocketCloseStatus? Status, string? Reason, bool Aborted) Close)> ConverseAsync(KonProFakeServer server, string apiKey)
    {
        using var api = new ApiClient(server);
        var tokenAnswer = await api.PostAsync("/v1/streaming/create_token", new { }, Credential.Key(apiKey));
        tokenAnswer.Status.Should().Be(HttpStatusCode.OK, tokenAnswer.Text);
        var token = tokenAnswer.Data.GetProperty("token").GetString()!;
        var created = await api.PostAsync("/v1/streaming/new", new { activity_idle_timeout = 3600 }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Data.GetProperty("session_id").GetString()!;
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        var task = await api.PostAsync("/v1/streaming/task", new { session_id = sessionId, text = "Hello there", task_type = "repeat", task_mode = "sync" }, Credential.Bearer(token));
        task.Status.Should().Be(HttpStatusCode.OK, task.Text);
        await chat.WaitForAsync("avatar_stop_talking");
        (await api.PostAsync("/v1/streaming/stop", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);
        var close = await chat.WaitClosedAsync();
        chat.All.Select(e => e.TryGetProperty("session_id", out var id) ? id.GetString() : sessionId).Should().OnlyContain(id => id == sessionId);
        return (sessionId, [.. chat.EventTypes], close);
    }
}
