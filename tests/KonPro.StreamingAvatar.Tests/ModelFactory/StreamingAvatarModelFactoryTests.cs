using System.Reflection;
using System.Text.Json;

namespace KonPro.Streaming.Tests.Session;

/// <summary>Issue 9.4: users can create every output model and every exception to test their own code.</summary>
public sealed class StreamingAvatarModelFactoryTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    // Public types the SDK takes as input (built with `new` by users), not output.
    private static readonly Type[] Inputs = [typeof(ReconnectPolicy)];

    [Fact]
    public void Every_public_output_model_and_exception_has_a_factory_method()
    {
        var assembly = typeof(StreamingAvatar).Assembly;
        var outputs = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && !t.IsInterface && !t.IsEnum)
            .Where(t => t.IsSubclassOf(typeof(StreamingEvent))
                || typeof(KonProApiException).IsAssignableFrom(t)
                || IsRecord(t)
                || t == typeof(SpeakHandle) || t == typeof(StartAvatarResponse))
            .Except(Inputs)
            .ToList();
        var made = typeof(StreamingAvatarModelFactory).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.ReturnType)
            .ToHashSet();

        outputs.Should().HaveCountGreaterThan(25, "the scan must find the SDK's models");
        outputs.Where(t => !made.Contains(t) && !BuildableWithAnObjectInitializer(t)).Select(t => t.Name).Should().BeEmpty("each output model and exception needs a factory method");
    }

    [Fact]
    public void Every_exception_carries_status_code_message_request_id_and_retry_after()
    {
        var retry = TimeSpan.FromSeconds(7);
        KonProApiException[] made =
        [
            StreamingAvatarModelFactory.KonProApiException(418, "TEAPOT", "short and stout", "req-1", retry, "cup", "SendTask"),
            StreamingAvatarModelFactory.KonProAuthenticationException(requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProPermissionException(requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProNotFoundException(apiMessage: "no such session", requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProValidationException("voice.rate", "must be between 0.5 and 1.5", requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProSessionClosedException(requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProConcurrencyLimitException(requestId: "req-1", retryAfter: retry),
            StreamingAvatarModelFactory.KonProRateLimitException(retry, requestId: "req-1"),
            StreamingAvatarModelFactory.KonProServerException(503, "SERVICE_UNAVAILABLE", requestId: "req-1", retryAfter: retry),
        ];

        made.Select(e => e.GetType()).Should().OnlyHaveUniqueItems();
        made.Select(e => e.Status).Should().Equal(418, 401, 403, 404, 400, 400, 429, 429, 503);
        made.Select(e => e.ErrorCode).Should().Equal(
            "TEAPOT", "INVALID_API_KEY", "INSUFFICIENT_PERMISSIONS", "RESOURCE_NOT_FOUND", "VALIDATION_ERROR",
            "SESSION_STATE_INVALID", "CONCURRENCY_LIMIT_EXCEEDED", "RATE_LIMIT_EXCEEDED", "SERVICE_UNAVAILABLE");
        made.Select(e => e.IsRetryable).Should().Equal(false, false, false, false, false, false, false, true, true);
        made.Should().OnlyContain(e => e.RequestId == "req-1" && e.RetryAfter == retry && e.Message.Contains("req-1") && e.Message.Contains(e.ErrorCode!));
        made[0].ApiMessage.Should().Be("short and stout");
        made[0].Field.Should().Be("cup");
        made[0].Operation.Should().Be("SendTask");
        made[0].Message.Should().Be("KonPro SendTask failed: HTTP 418 TEAPOT: short and stout (field 'cup') (retry after 7 s) (request id 'req-1').");
        made[4].Field.Should().Be("voice.rate");
        made[5].ApiMessage.Should().Be("session state wrong: closed");
    }

    [Fact]
    public void An_exception_keeps_its_cause_and_rejects_a_status_that_is_not_http()
    {
        var cause = new IOException("reset");

        StreamingAvatarModelFactory.KonProServerException(innerException: cause).InnerException.Should().BeSameAs(cause);
        var act = () => StreamingAvatarModelFactory.KonProApiException(1000);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Events_carry_what_they_were_given()
    {
        var extra = new Dictionary<string, JsonElement> { ["mood"] = JsonDocument.Parse("\"happy\"").RootElement };

        StreamingAvatarModelFactory.AvatarStartTalking("t-1", "s-1", At, extra).Should().BeEquivalentTo(new { TaskId = "t-1", SessionId = "s-1", ReceivedAt = At, Name = "avatar_start_talking" });
        StreamingAvatarModelFactory.AvatarStartTalking("t-1", receivedAt: At, extraFields: extra).ExtraFields["mood"].GetString().Should().Be("happy");
        StreamingAvatarModelFactory.AvatarTalkingMessage("Hello", "t-1", receivedAt: At).Should().BeEquivalentTo(new { Message = "Hello", TaskId = "t-1", Name = "avatar_talking_message" });
        StreamingAvatarModelFactory.AvatarEndMessage("t-1").Name.Should().Be("avatar_end_message");
        StreamingAvatarModelFactory.AvatarStopTalking("t-1", 1200).DurationMs.Should().Be(1200);
        StreamingAvatarModelFactory.UserStart("s-1", At).Should().BeEquivalentTo(new { SessionId = "s-1", ReceivedAt = At, Name = "user_start" });
        StreamingAvatarModelFactory.UserStop().Name.Should().Be("user_stop");
        StreamingAvatarModelFactory.UserTalkingMessage("Hi", "u-1").Should().BeEquivalentTo(new { Message = "Hi", TaskId = "u-1" });
        StreamingAvatarModelFactory.UserEndMessage("u-1").TaskId.Should().Be("u-1");
        StreamingAvatarModelFactory.UserSilence(2, 5).Should().BeEquivalentTo(new { SilenceTimes = 2, CountDown = 5 });
        StreamingAvatarModelFactory.StreamReady("s-1").SessionId.Should().Be("s-1");
        StreamingAvatarModelFactory.StreamDisconnected(DisconnectReason.IdleTimeout, 4001, "idle_timeout")
            .Should().BeEquivalentTo(new { Reason = DisconnectReason.IdleTimeout, CloseStatus = 4001, CloseDescription = "idle_timeout" });
        StreamingAvatarModelFactory.ConnectionQualityChanged(ConnectionQuality.Bad).Quality.Should().Be(ConnectionQuality.Bad);
        var unknown = StreamingAvatarModelFactory.UnknownStreamingEvent("avatar_mood\"changed");
        unknown.Name.Should().Be("avatar_mood\"changed");
        JsonDocument.Parse(unknown.RawJson).RootElement.GetProperty("event_type").GetString().Should().Be("avatar_mood\"changed");
        StreamingAvatarModelFactory.UserStart().ReceivedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Results_sessions_operators_and_admin_models_carry_what_they_were_given()
    {
        var ended = StreamingAvatarModelFactory.SpeakHandle("t-1", SpeakOutcome.Interrupted, 300);
        (await ended.Completed).Should().Be(StreamingAvatarModelFactory.SpeakResult("t-1", SpeakOutcome.Interrupted, 300));
        StreamingAvatarModelFactory.SpeakHandle("t-2").Completed.IsCompleted.Should().BeFalse();

        var session = StreamingAvatarModelFactory.StartAvatarResponse("s-1", "secret-room-token", isPaid: true, realtimeEndpoint: "wss://rt.example.invalid");
        session.Should().BeEquivalentTo(new { SessionId = "s-1", AccessToken = "secret-room-token", IsPaid = true, SessionDurationLimit = TimeSpan.FromSeconds(600), RealtimeEndpoint = "wss://rt.example.invalid" });
        session.ToString().Should().NotContain("secret-room-token");

        StreamingAvatarModelFactory.TranscriptEntry(Speaker.User, "hi", "u-1", At).Should().Be(new TranscriptEntry(Speaker.User, "hi", "u-1", At, At));
        StreamingAvatarModelFactory.AvatarUtterance("Hello", "t-1", At, durationMs: 1500, wasInterrupted: true)
            .Should().Be(new AvatarUtterance("t-1", "Hello", At, At.AddMilliseconds(1500), 1500, true));
        var failure = new KonProApiException("nope");
        StreamingAvatarModelFactory.BargeIn("t-1", At, failure).Should().Be(new BargeIn("t-1", At, failure));
        StreamingAvatarModelFactory.ActiveSessionInfo("s-1", "connecting", At).Should().Be(new ActiveSessionInfo("s-1", "connecting", At));
        StreamingAvatarModelFactory.SessionHistoryEntry("s-1", duration: TimeSpan.FromMinutes(2), createdAt: At, avatarId: "default")
            .Should().Be(new SessionHistoryEntry("s-1", "closed", At, TimeSpan.FromMinutes(2), "default", null, null));
        StreamingAvatarModelFactory.AvatarInfo("default", "Default", isActive: false).Should().BeEquivalentTo(new { AvatarId = "default", PoseName = "Default", IsActive = false, IsPublic = true });
        StreamingAvatarModelFactory.KnowledgeBaseInfo("kb-1", "Support", documentCount: 3).Should().BeEquivalentTo(new { Id = "kb-1", Name = "Support", DocumentCount = 3 });
        var connect = StreamingAvatarModelFactory.AvatarRoomConnectRequest("s-1", accessToken: "secret-room-token");
        connect.SessionId.Should().Be("s-1");
        connect.ToString().Should().NotContain("secret-room-token");
    }

    [Fact]
    public async Task A_user_can_test_retry_code_against_a_mocked_avatar_that_is_rate_limited()
    {
        await using var avatar = new RateLimitedOnceAvatar();

        var handle = await SpeakWithOneRetryAsync(avatar, new SpeakRequest { Text = "Hi" });

        (await handle.Completed).Outcome.Should().Be(SpeakOutcome.Completed);
        avatar.Calls.Should().Be(2);
        avatar.Waited.Should().Be(TimeSpan.FromSeconds(3));
    }

    // The user's code under test: retry once after the server's Retry-After.
    private static async Task<SpeakHandle> SpeakWithOneRetryAsync(RateLimitedOnceAvatar avatar, SpeakRequest request)
    {
        try
        {
            return await avatar.SpeakAsync(request);
        }
        catch (KonProRateLimitException e) when (e.RetryAfter is { } wait)
        {
            avatar.Waited = wait;
            return await avatar.SpeakAsync(request);
        }
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    // A user builds such a model directly through its public constructor (new T { ... } or a positional record); the
    // factory is for the models whose constructors are internal.
    private static bool BuildableWithAnObjectInitializer(Type type) => type.GetConstructors().Length > 0;

    private sealed class RateLimitedOnceAvatar : StreamingAvatar
    {
        public int Calls { get; private set; }

        public TimeSpan? Waited { get; set; }

        public override Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken = default) =>
            ++Calls == 1
                ? Task.FromException<SpeakHandle>(StreamingAvatarModelFactory.KonProRateLimitException(TimeSpan.FromSeconds(3), requestId: "req-9"))
                : Task.FromResult(StreamingAvatarModelFactory.SpeakHandle("t-1", SpeakOutcome.Completed, 400));
    }
}
