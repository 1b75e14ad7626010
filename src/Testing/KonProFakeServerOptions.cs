namespace KonPro.Streaming.Testing;

/// <summary>
/// Settings of a <see cref="KonProFakeServer"/>. Every duration is in the server's model time: the
/// <see cref="TimeScale"/> multiplies it into real time (0.01 makes a 600 s session limit last 6 s).
/// </summary>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>The API key every fake server accepts unless <see cref="ApiKeys"/> is changed.</summary>
    public const string DefaultApiKey = "konpro-dev-key";

    /// <summary>The accepted API keys (header <c>x-api-key</c>); the first is <see cref="KonProFakeServer.ApiKey"/>.</summary>
    public IList<string> ApiKeys { get; } = [DefaultApiKey];

    /// <summary>The TCP port on 127.0.0.1; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Multiplies every delay of the server (1.0 = real time, 0.01 = a hundred times faster). Must be positive.</summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>The clock of every timer and delay; tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many sessions one API key may have open at once (429 <c>CONCURRENCY_LIMIT_EXCEEDED</c> beyond).</summary>
    public int MaxConcurrentSessions { get; set; } = 20;

    /// <summary>The maximum age of a session, reported as <c>session_duration_limit</c> (default 600 s).</summary>
    public TimeSpan SessionDurationLimit { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>
    /// The idle timeout of a session whose <c>new</c> names no <c>activity_idle_timeout</c> (default 120 s, as the service;
    /// 30 s to 3,600 s). Scaled like every delay: at a <see cref="TimeScale"/> of 0.02 the default is 2.4 s of real time, so
    /// suites that run on a busy machine may raise it.
    /// </summary>
    public TimeSpan DefaultActivityIdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a session token from <c>create_token</c> stays valid (default one hour).</summary>
    public TimeSpan SessionTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When set, requests beyond this many per second of model time answer 429 <c>RATE_LIMIT_EXCEEDED</c>.</summary>
    public int? RateLimitPerSecond { get; set; }

    /// <summary>The avatar's speaking pace at voice rate 1.0 (default 150 words per minute).</summary>
    public double WordsPerMinute { get; set; } = 150;

    /// <summary>How many words each <c>avatar_talking_message</c> carries (default 3).</summary>
    public int WordsPerChunk { get; set; } = 3;

    /// <summary>The RMS level (of signed 16-bit samples) above which a chunk of audio counts as speech (default 500).</summary>
    public double VoiceActivityThreshold { get; set; } = 500;

    /// <summary>How much quiet audio ends an utterance (default 0.5 s of audio).</summary>
    public TimeSpan UtteranceEndSilence { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>With <c>silence_response</c>, how long without user speech before each <c>user_silence</c> (default 10 s).</summary>
    public TimeSpan SilencePromptAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With <c>silence_response</c>, how many <c>user_silence</c> prompts a socket gets at most (default 3).</summary>
    public int MaxSilencePrompts { get; set; } = 3;

    /// <summary>Whether WireMock's admin API (<c>/__admin</c>) is served (default false; the CLI turns it on).</summary>
    public bool StartAdminInterface { get; set; }

    /// <summary>The LiveKit room URL that <c>new</c> returns (default an unresolvable <c>wss://livekit.konpro-fake.invalid</c>: the fake serves no room).</summary>
    public string LiveKitUrl { get; set; } = "wss://livekit.konpro-fake.invalid";

    /// <summary>Where the fake logs sessions, sockets and calls (default: nowhere). Keys and tokens are never logged.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// How many entries WireMock's own request log keeps, oldest dropped first in batches of a tenth (so it holds up to
    /// 1.1 times this many); default 1000, 0 keeps none.
    /// </summary>
    /// <remarks>Each entry holds at most <see cref="MaxRecordedBodyBytes"/> of its request body.</remarks>
    public int MaxRequestLogCount { get; set; } = 1000;

    /// <summary>
    /// The largest request body the server reads (default 1 MiB); a larger one is answered 413 <c>VALIDATION_ERROR</c>
    /// in the error envelope without being buffered.
    /// </summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How much of each body the journal and WireMock's request log keep (default 8 KiB); a longer body is kept as its
    /// prefix followed by <c>…[truncated: N bytes]</c>. Endpoints still see the whole body.
    /// </summary>
    public int MaxRecordedBodyBytes { get; set; } = 8 * 1024;

    /// <summary>How many REST calls, and separately how many chat messages, the journal keeps, oldest dropped first (default 10,000).</summary>
    public int MaxJournalEntries { get; set; } = 10_000;

    /// <summary>
    /// The largest message a client may send on the chat socket, summed over its frames (default 1 MiB); a larger one
    /// closes the socket with 1009 <c>message_too_big</c> and is never buffered whole.
    /// </summary>
    public int MaxChatMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long (real time) the server waits for a client to answer its close of a chat socket before it drops the
    /// connection (default 5 s).
    /// </summary>
    public TimeSpan ChatCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Strict mode: every request body is checked against the spec (types, ranges, enums, lengths, patterns, required
    /// and unknown fields) and each violation is recorded in <see cref="KonProJournal.SpecViolations"/> with its JSON
    /// path and rule. The call is still answered as usual unless <see cref="StrictModeRejects"/> is set.
    /// </summary>
    public bool StrictMode { get; set; }

    /// <summary>With <see cref="StrictMode"/>, a request that breaks the spec is answered 400 <c>VALIDATION_ERROR</c> naming the first rule broken.</summary>
    public bool StrictModeRejects { get; set; }

    internal void Validate()
    {
        if (ApiKeys.Count == 0 || ApiKeys.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one API key is required and none may be blank.", nameof(ApiKeys));
        }

        if (!(TimeScale > 0) || double.IsInfinity(TimeScale))
        {
            throw new ArgumentOutOfRangeException(nameof(TimeScale), TimeScale, "The time scale must be a positive number.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be between 0 and 65535.");
        }

        if (MaxConcurrentSessions < 1 || WordsPerMinute <= 0 || WordsPerChunk < 1 || MaxSilencePrompts < 0)
        {
            throw new ArgumentException("MaxConcurrentSessions, WordsPerMinute and WordsPerChunk must be positive.");
        }

        if (MaxRequestLogCount < 0 || MaxRequestBodyBytes < 1 || MaxRecordedBodyBytes < 1 || MaxJournalEntries < 1 || MaxChatMessageBytes < 1)
        {
            throw new ArgumentException("MaxRequestBodyBytes, MaxRecordedBodyBytes, MaxJournalEntries and MaxChatMessageBytes must be positive, MaxRequestLogCount not negative.");
        }

        if (ChatCloseTimeout <= TimeSpan.Zero || ChatCloseTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ChatCloseTimeout), ChatCloseTimeout, "The chat close timeout must be positive and at most an hour.");
        }

        if (DefaultActivityIdleTimeout < TimeSpan.FromSeconds(Api.KonProLimits.MinActivityIdleTimeout) || DefaultActivityIdleTimeout > TimeSpan.FromSeconds(Api.KonProLimits.MaxActivityIdleTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultActivityIdleTimeout), DefaultActivityIdleTimeout, $"The default activity idle timeout must be between {Api.KonProLimits.MinActivityIdleTimeout} s and {Api.KonProLimits.MaxActivityIdleTimeout} s.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ValidateCors();
        ValidateAvatars();
        ValidateRoom();
        ValidateTls();
        ValidateRecording();
    }
}
