using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace KonPro.Streaming;

/// <summary>
/// Retries and timeouts of every REST call (see <see cref="KonProRetryOptions"/>): an overall timeout, retries on Polly
/// and a per-attempt timeout. The first attempt runs directly, under one reusable cancellation source armed with the
/// shorter of the two timeouts, so that a call that succeeds pays for no strategy frames and no linked sources; only
/// when it fails in a way worth retrying does the call enter the Polly retry pipeline, which replays that failure as
/// its own first attempt (the same back-off, <c>Retry-After</c>, logging and counting as if Polly had run it) and
/// makes the next ones. One pipeline for the calls that are safe to repeat, one for the others, which are retried
/// only when their request was never sent. Each is built once per process for a clock and settings
/// (<see cref="RetryPipelines"/>), by the first call of any client that fails in a way worth retrying (a process whose
/// calls all succeed builds none), and shared by the clients configured alike; every wait runs on the client's
/// <see cref="TimeProvider"/>. The options are read once, when the client is created.
/// </summary>
internal sealed class KonProResilience
{
    /// <summary>The SDK operations that may be sent twice without harm (idempotent on the server, or reads).</summary>
    private static readonly FrozenSet<string> SafeToRepeat = FrozenSet.ToFrozenSet(
    [
        "KeepAlive", "StartListening", "StopListening", "InterruptTask", "StopSession", "CreateToken",
        "ListSessions", "ListSessionHistory", "ListAvatars", "ListKnowledgeBases",
    ], StringComparer.Ordinal);

    private readonly RetrySettings _repeatableSettings;
    private readonly RetrySettings _onceSettings;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeSpan _totalTimeout;
    private readonly ILogger _logger;
    private readonly KonProTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly TimeoutSources _sources;
    private readonly TimeSpan _firstAttemptTimeout;
    private ResiliencePipeline? _repeatable;
    private ResiliencePipeline? _once;

    public KonProResilience(KonProRetryOptions? options, TimeProvider time, ILogger logger, KonProTelemetry telemetry)
    {
        options ??= new KonProRetryOptions();
        options.Validate();
        // A snapshot: the pipelines are shared by value, so a later change to the options object must not reach this client halfway.
        _repeatableSettings = RetrySettings.Of(options, repeatable: true);
        _onceSettings = RetrySettings.Of(options, repeatable: false);
        _attemptTimeout = options.AttemptTimeout;
        _totalTimeout = options.TotalTimeout;
        _logger = logger;
        _telemetry = telemetry;
        _time = time;
        _sources = new TimeoutSources(time);
        // The first attempt starts with the call, so the shorter of the two timeouts is the one that can end it.
        _firstAttemptTimeout = Shorter(_attemptTimeout, _totalTimeout);
    }

    /// <summary>The pipeline of the calls that are safe to repeat (the process's, taken by the first call that needs it).</summary>
    public ResiliencePipeline Repeatable => _repeatable ?? Publish(ref _repeatable, RetryPipelines.Get(_time, _repeatableSettings));

    /// <summary>The pipeline of the calls retried only when nothing was sent (the process's, taken by the first call that needs it).</summary>
    public ResiliencePipeline Once => _once ?? Publish(ref _once, RetryPipelines.Get(_time, _onceSettings));

    /// <summary>How many pipelines this client has taken so far (0 while every call succeeded at its first attempt).</summary>
    internal int PipelinesBuilt => (Volatile.Read(ref _repeatable) is null ? 0 : 1) + (Volatile.Read(ref _once) is null ? 0 : 1);

    public static bool IsSafeToRepeat(string operation) => SafeToRepeat.Contains(operation);

    public ResiliencePipeline For(string operation) => IsSafeToRepeat(operation) ? Repeatable : Once;

    /// <summary>
    /// Starts a call's first attempt, which its caller runs directly: its token is cancelled by
    /// <paramref name="cancellationToken"/>, <paramref name="alsoCancelledBy"/> and the shorter of the attempt's and the
    /// call's timeouts, through one reusable source (none when a single token says it all). End it with <see cref="End"/>.
    /// </summary>
    public FirstAttempt Begin(CancellationToken cancellationToken, CancellationToken alsoCancelledBy)
    {
        var timed = _firstAttemptTimeout != Timeout.InfiniteTimeSpan;
        if (!timed && !(cancellationToken.CanBeCanceled && alsoCancelledBy.CanBeCanceled))
        {
            return new FirstAttempt(null, default, default, cancellationToken.CanBeCanceled ? cancellationToken : alsoCancelledBy);
        }

        var source = _sources.Rent();
        var fromCaller = cancellationToken.UnsafeRegister(CancelSource, source);
        var fromOwner = alsoCancelledBy.UnsafeRegister(CancelSource, source);
        if (timed)
        {
            source.CancelAfter(_firstAttemptTimeout);
        }

        return new FirstAttempt(source, fromCaller, fromOwner, source.Token);
    }

    /// <summary>
    /// Decides what a failed first attempt leads to: true when the call goes on to the retries (<see cref="RetryAsync"/>
    /// with <paramref name="failure"/>), false when <paramref name="failure"/> is what the call throws. A timeout of the
    /// first attempt becomes a <see cref="TimeoutRejectedException"/> here. Call it before <see cref="End"/>.
    /// </summary>
    public bool ShouldRetry(in FirstAttempt attempt, ref Exception failure, string operation, CancellationToken cancellationToken, CancellationToken alsoCancelledBy)
    {
        if (failure is OperationCanceledException cancelled && attempt.Source is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested && !alsoCancelledBy.IsCancellationRequested)
        {
            // The timer fired: the attempt's own timeout, or the call's when that one is shorter.
            var timeout = _firstAttemptTimeout == _attemptTimeout ? _attemptTimeout : _totalTimeout;
            failure = new TimeoutRejectedException($"The attempt timed out after {timeout.TotalSeconds:0.###} s.", timeout, cancelled);
            return timeout == _attemptTimeout && WorthRetrying(failure, operation);
        }

        return WorthRetrying(failure, operation);
    }

    /// <summary>Ends a first attempt: its registrations go, and its source goes back for the next call.</summary>
    public void End(in FirstAttempt attempt)
    {
        // Dispose, not Unregister: a token's callback that is running right now finishes before the source can be
        // reset and handed to another call, which it would otherwise cancel.
        attempt.FromCaller.Dispose();
        attempt.FromOwner.Dispose();
        if (attempt.Source is not null)
        {
            _sources.Return(attempt.Source);
        }
    }

    /// <summary>Whether the request of a failed call never left this process (the connection could not be made).</summary>
    internal static bool NeverSent(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError };

    /// <summary>
    /// Whether a failure may pass on a later attempt, for a call that may (or may not) be repeated, when the SDK waits
    /// for a <c>Retry-After</c> of at most <paramref name="maxRetryAfter"/>.
    /// </summary>
    internal static bool IsTransient(Exception? exception, bool repeatable, TimeSpan maxRetryAfter) => exception switch
    {
        null or OperationCanceledException => false,
        _ when NeverSent(exception) => true,
        _ when !repeatable => false,
        HttpRequestException => true,
        TimeoutRejectedException => true,
        KonProApiException { Status: 408 } => true,
        KonProApiException { Status: 429 } api => api.IsRetryable && (api.RetryAfter is null || api.RetryAfter <= maxRetryAfter),
        KonProApiException { Status: >= 500 } api => api.RetryAfter is null || api.RetryAfter <= maxRetryAfter,
        _ => false,
    };

    private static readonly Action<object?> CancelSource = static source => ((CancellationTokenSource)source!).Cancel();

    private static TimeSpan Shorter(TimeSpan first, TimeSpan second) =>
        first == Timeout.InfiniteTimeSpan ? second : second == Timeout.InfiniteTimeSpan ? first : first < second ? first : second;

    private bool WorthRetrying(Exception exception, string operation)
    {
        var settings = IsSafeToRepeat(operation) ? _repeatableSettings : _onceSettings;
        return settings.MaxRetries > 0 && IsTransient(exception, settings.Repeatable, settings.MaxRetryAfter);
    }

    /// <summary>Logs and counts a retry of this client's call (the shared pipeline's retry callback calls it).</summary>
    internal void ReportRetry(string operation, int nextAttempt, TimeSpan delay, Exception? failure)
    {
        var reason = Describe(failure);
        Log.RetryingCall(_logger, operation, nextAttempt, delay.TotalMilliseconds, reason);
        _telemetry.Retries.Add(
            1,
            new KeyValuePair<string, object?>("konpro.operation", operation),
            new KeyValuePair<string, object?>("konpro.retry.reason", reason));
    }

    /// <summary>
    /// The rest of a call whose first attempt failed with <paramref name="failure"/> (see <see cref="ShouldRetry"/>): the
    /// Polly retry pipeline, whose first attempt replays that failure (so Polly decides, logs and counts the wait before
    /// attempt 2 as it would have), under the call's remaining total time, counted from <paramref name="started"/>
    /// (a timestamp of the client's <see cref="TimeProvider"/>).
    /// </summary>
    /// <exception cref="TimeoutRejectedException">The call ran out of its total time, or its last attempt out of its own.</exception>
    public async ValueTask<T> RetryAsync<TArgs, T>(
        string operation,
        Func<TArgs, CancellationToken, ValueTask<T>> attempt,
        TArgs args,
        Exception failure,
        long started,
        CancellationToken cancellationToken,
        CancellationToken alsoCancelledBy)
    {
        var total = _totalTimeout;
        var remaining = total == Timeout.InfiniteTimeSpan ? total : total - _time.GetElapsedTime(started);
        if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
        {
            throw new TimeoutRejectedException($"The call timed out after {total.TotalSeconds:0.###} s.", total, failure);
        }

        using var deadline = new CancellationTokenSource(remaining, _time);
        using var fromCaller = cancellationToken.UnsafeRegister(CancelSource, deadline);
        using var fromOwner = alsoCancelledBy.UnsafeRegister(CancelSource, deadline);
        var context = ResilienceContextPool.Shared.Get(operation, deadline.Token);
        context.Properties.Set(RetryPipelines.ClientKey, this);
        var replay = new Replay<TArgs, T>(attempt, args, failure);
        try
        {
            return await For(operation).ExecuteAsync(static (context, replay) => replay.NextAsync(context.CancellationToken), context, replay).ConfigureAwait(false);
        }
        catch (OperationCanceledException cancelled) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !alsoCancelledBy.IsCancellationRequested)
        {
            throw new TimeoutRejectedException($"The call timed out after {total.TotalSeconds:0.###} s.", total, cancelled);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static string Describe(Exception? exception) => exception switch
    {
        KonProApiException api => $"HTTP {api.Status} {api.ErrorCode}".TrimEnd(),
        HttpRequestException http => "no answer: " + http.HttpRequestError,
        TimeoutRejectedException => "the attempt timed out",
        _ => exception?.GetType().Name ?? "unknown",
    };

    // Two racing first uses may both build one; the first published is the one every call uses.
    private static ResiliencePipeline Publish(ref ResiliencePipeline? field, ResiliencePipeline built) =>
        Interlocked.CompareExchange(ref field, built, null) ?? built;

    /// <summary>The attempts of a call inside the retry pipeline: the first one's failure again, then new attempts.</summary>
    private sealed class Replay<TArgs, T>(Func<TArgs, CancellationToken, ValueTask<T>> attempt, TArgs args, Exception first)
    {
        private bool _replayed;

        public ValueTask<T> NextAsync(CancellationToken cancellationToken)
        {
            if (_replayed)
            {
                return attempt(args, cancellationToken);
            }

            _replayed = true;
            return ValueTask.FromException<T>(first);
        }
    }

    /// <summary>A first attempt in progress: the token it runs with, and what <see cref="End"/> gives back.</summary>
    internal readonly record struct FirstAttempt(
        CancellationTokenSource? Source,
        CancellationTokenRegistration FromCaller,
        CancellationTokenRegistration FromOwner,
        CancellationToken Token);
}
