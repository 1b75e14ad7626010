namespace KonPro.Streaming;

/// <summary>
/// How the SDK retries a REST call that failed for a reason that may pass: a connection failure, HTTP 408, 429
/// (waiting what <c>Retry-After</c> asks, up to <see cref="MaxRetryAfter"/>) or 5xx, with jittered exponential
/// back-off. On by default. Only calls that are safe to repeat are retried after the request went out
/// (<c>keep_alive</c>, <c>start_listening</c>, <c>stop_listening</c>, <c>interrupt</c>, <c>stop</c>, every GET and
/// <c>create_token</c>); <c>task</c>, <c>new</c>, <c>start</c> and the knowledge-base changes are retried only when
/// the connection failed before the request was sent, so the avatar never says a sentence twice.
/// Every wait runs on the client's <see cref="TimeProvider"/>; each retry is logged and counted in the
/// <c>konpro.streaming_avatar.call.retries</c> counter of the <c>KonPro.Streaming</c> meter.
/// </summary>
public sealed class KonProRetryOptions
{
    /// <summary>Whether calls are retried at all (true by default). The timeouts apply either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many times a call is retried after its first attempt (3 by default, so four attempts at most; 0 to 10).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first back-off delay (0.5 s by default); each later one doubles it, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off delay (10 s by default).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <c>Retry-After</c> the SDK waits for (30 s by default). When the server asks for a longer wait,
    /// the call fails at once with the error, whose <see cref="KonProApiException.RetryAfter"/> says how long.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one attempt may take before it is abandoned (100 s by default, as <see cref="HttpClient.Timeout"/>;
    /// a <c>sync</c> task answers only when the avatar has finished speaking). <see cref="Timeout.InfiniteTimeSpan"/> for none.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long a call may take over all its attempts and waits (5 min by default); <see cref="Timeout.InfiniteTimeSpan"/>
    /// for none. A call that runs out of time throws <see cref="TimeoutException"/>.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Options that never retry (the timeouts still apply).</summary>
    public static KonProRetryOptions None => new() { Enabled = false };

    /// <inheritdoc />
    public override string ToString() =>
        $"KonProRetryOptions {{ Enabled = {Enabled}, MaxRetries = {MaxRetries}, BaseDelay = {BaseDelay}, MaxDelay = {MaxDelay}, MaxRetryAfter = {MaxRetryAfter}, AttemptTimeout = {AttemptTimeout}, TotalTimeout = {TotalTimeout} }}";

    /// <summary>Checks every setting; called when a client is created, before anything is sent.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    internal void Validate()
    {
        if (MaxRetries is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "KonProRetryOptions.MaxRetries must be between 0 and 10.");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "KonProRetryOptions.BaseDelay must be between 0 and 1 minute.");
        }

        if (MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "KonProRetryOptions.MaxDelay must be at least BaseDelay and at most 10 minutes.");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), MaxRetryAfter, "KonProRetryOptions.MaxRetryAfter must be between 0 and 1 hour.");
        }

        ValidateTimeout(AttemptTimeout, nameof(AttemptTimeout));
        ValidateTimeout(TotalTimeout, nameof(TotalTimeout));
    }

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException(name, value, $"KonProRetryOptions.{name} must be positive and at most 1 day, or Timeout.InfiniteTimeSpan.");
        }
    }
}
