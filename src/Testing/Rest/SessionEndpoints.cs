using System.Security.Cryptography;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Speech;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// The session operations: create_token, new, start, task, interrupt, listening, keep_alive, stop. With the room,
/// <c>new</c> opens the session's room and answers its grant, and <c>start</c> has the avatar join and publish.
/// </summary>
internal sealed class SessionEndpoints(FakeServerCore core, AvatarBehaviour avatar, Realtime.RealtimeAudioHub realtime, Room.FakeRoomHost? rooms)
{
    private const int MaxTaskText = KonProLimits.MaxTaskTextLength;

    public Task<object> CreateTokenAsync(RestCall call) =>
        Task.FromResult<object>(new CreateTokenResponse { Data = new TokenData { Token = core.Tokens.IssueToken(call.OwnerApiKey) } });

    public async Task<object> NewAsync(RestCall call)
    {
        if (call.Token?.SessionId is not null)
        {
            throw RestError.Unauthorized("session token already used");
        }

        var body = call.Body;
        var avatarId = JsonFields.String(body, "avatar_id") ?? JsonFields.String(body, "avatar_name") ?? "default";
        JsonFields.Enum<AvatarQuality>(body, "quality");
        var kbId = JsonFields.String(body, "knowledge_base_id");
        var kbPrompt = JsonFields.String(body, "knowledge_base");
        var voice = JsonFields.Object(body, "voice");
        string? voiceId = null;
        double rate = 1;
        if (voice is { } v)
        {
            voiceId = JsonFields.String(v, "voice_id", "voice");
            rate = JsonFields.Number(v, "rate", "voice", KonProLimits.MinVoiceRate, KonProLimits.MaxVoiceRate) ?? 1;
            JsonFields.Enum<VoiceEmotion>(v, "emotion", "voice");
            if (JsonFields.Object(v, "elevenlabs_settings", "voice") is { } eleven)
            {
                const string prefix = "voice.elevenlabs_settings";
                JsonFields.Number(eleven, "stability", prefix, 0, 1);
                JsonFields.Number(eleven, "similarity_boost", prefix, 0, 1);
                JsonFields.Number(eleven, "style", prefix, 0, 1);
                JsonFields.Bool(eleven, "use_speaker_boost", prefix);
                JsonFields.Enum<ElevenLabsModel>(eleven, "model_id", prefix);
            }
        }

        var language = JsonFields.String(body, "language");
        if (language is not null && !IsBasicLanguageCode(language))
        {
            throw RestError.Validation("language", "must be a basic language code such as en or ja");
        }

        JsonFields.String(body, "version");
        JsonFields.Enum<VideoEncoding>(body, "video_encoding");
        JsonFields.String(body, "source");
        var disableIdle = JsonFields.Bool(body, "disable_idle_timeout") ?? false;
        if (JsonFields.Object(body, "stt_settings") is { } stt)
        {
            JsonFields.Enum<SttProvider>(stt, "provider", "stt_settings");
            JsonFields.Number(stt, "confidence", "stt_settings", 0, 1);
        }

        JsonFields.Bool(body, "ia_is_livekit_transport");
        var silence = JsonFields.Bool(body, "silence_response") ?? false;
        var idle = JsonFields.Integer(body, "activity_idle_timeout", null, KonProLimits.MinActivityIdleTimeout, KonProLimits.MaxActivityIdleTimeout)
            ?? (int)core.Options.DefaultActivityIdleTimeout.TotalSeconds;
        JsonFields.Bool(body, "enable_push_to_talk");
        if (JsonFields.Object(body, "livekit_settings") is { } livekit)
        {
            JsonFields.String(livekit, "url", "livekit_settings");
            JsonFields.String(livekit, "room", "livekit_settings");
            JsonFields.String(livekit, "token", "livekit_settings");
        }

        var avatar = core.Catalog.FindAvatar(avatarId) ?? throw RestError.NotFound($"avatar not found: {avatarId}");
        if (avatar.Status != AvatarStatus.Active)
        {
            throw RestError.Validation("avatar_id", "is not active");
        }

        if (kbId is not null && core.Catalog.FindKnowledgeBase(kbId) is null)
        {
            throw RestError.NotFound($"knowledge base not found: {kbId}");
        }

        var createdWith = call.Credential == CredentialKind.SessionToken ? "session_token" : "api_key";
        var session = core.Store.TryCreate(
            call.OwnerApiKey,
            id => new FakeSessionSettings(id, call.OwnerApiKey, createdWith, avatarId, voiceId ?? avatar.DefaultVoice, rate, kbId, kbPrompt, idle, disableIdle, silence),
            call.Token,
            core.Close)
            ?? throw new RestError(429, "CONCURRENCY_LIMIT_EXCEEDED", "concurrent limit reached");
        Log.SessionCreated(core.Logger, session.Id, avatarId);

        var room = rooms is null ? null : await rooms.OpenAsync(session, call.Request).ConfigureAwait(false);
        return new NewSessionResponse { Code = 100, Message = "success", Data = SessionAnswer(session, room) };
    }

    /// <summary>
    /// What <c>new</c> answers about a created session: the LiveKit room (URL, the client's token and an agent
    /// participant's token), the limits, and the fields openapi/konpro-streaming.yaml has as present and null.
    /// </summary>
    private SessionInfo SessionAnswer(FakeSession session, Room.RoomGrant? room) => new()
    {
        SessionId = session.Id,
        AccessToken = room?.AccessToken ?? "lk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        LiveKitAgentToken = room?.AgentToken ?? "lk_agent_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        Url = room?.Url ?? core.Options.LiveKitUrl,
        IsPaid = false,
        SessionDurationLimit = (int)Math.Ceiling(core.Options.SessionDurationLimit.TotalSeconds),
        // The session's own realtime audio socket (bring your own voice), served by this fake.
        RealtimeEndpoint = realtime.EndpointFor(session),
        Sdp = null,
        IceServers = null,
        IceServers2 = null,
    };

    public Task<object> StartAsync(RestCall call)
    {
        var session = Resolve(call);
        if (!session.TryStart())
        {
            throw RestError.State(session.StateWord);
        }

        session.Touch();
        return Task.FromResult(Ok());
    }

    public async Task<object> TaskAsync(RestCall call)
    {
        var body = call.Body;
        var session = Resolve(call);
        var text = JsonFields.String(body, "text", null, MaxTaskText) ?? throw RestError.Validation("text", "is required");
        if (text.Trim().Length == 0)
        {
            throw RestError.Validation("text", "must not be empty");
        }

        var type = JsonFields.Enum<TaskType>(body, "task_type") ?? TaskType.Repeat;
        var mode = JsonFields.Enum<TaskMode>(body, "task_mode") ?? TaskMode.Sync;
        RequireStarted(session);
        session.Touch();
        var job = avatar.Speak(session, type, text);
        var duration = mode == TaskMode.Async ? (long)job.Plan.Total.TotalMilliseconds : await job.Done.ConfigureAwait(false);
        return new TaskResponse { Code = 100, Message = "success", Data = new TaskData { TaskId = job.TaskId, DurationMs = duration } };
    }

    public Task<object> InterruptAsync(RestCall call)
    {
        var session = Resolve(call);
        RequireStarted(session);
        session.Touch();
        avatar.Interrupt(session);
        return Task.FromResult(Ok());
    }

    public Task<object> ListeningAsync(RestCall call, bool listening)
    {
        var session = Resolve(call);
        RequireStarted(session);
        session.Touch();
        session.IsListening = listening;
        return Task.FromResult(Ok());
    }

    public Task<object> KeepAliveAsync(RestCall call)
    {
        var session = Resolve(call);
        if (session.Phase == SessionPhase.Closed)
        {
            throw RestError.State(session.StateWord);
        }

        session.Touch();
        return Task.FromResult(Ok());
    }

    public Task<object> StopAsync(RestCall call)
    {
        var session = Resolve(call);
        core.Close(session, ChatCloseStatus.SessionStopped, ChatCloseStatus.SessionStoppedReason);
        return Task.FromResult(Ok());
    }

    private FakeSession Resolve(RestCall call)
    {
        var id = JsonFields.RequiredString(call.Body, "session_id");
        var session = core.Store.Find(id) ?? throw RestError.NotFound($"session not found: {id}");
        if (call.Credential == CredentialKind.SessionToken && call.Token!.SessionId != id)
        {
            throw RestError.Forbidden("the session token does not own this session");
        }

        if (session.Settings.OwnerApiKey != call.OwnerApiKey)
        {
            throw RestError.Forbidden("the session belongs to another account");
        }

        return session;
    }

    private static void RequireStarted(FakeSession session)
    {
        if (session.Phase != SessionPhase.Started)
        {
            throw RestError.State(session.StateWord);
        }
    }

    private static bool IsBasicLanguageCode(string language) =>
        language.Length is 2 or 3 && language.All(c => c is >= 'a' and <= 'z');

    private static object Ok() => new StatusResponse { Code = 100, Message = "success", Data = new StatusData { Status = "success" } };
}
