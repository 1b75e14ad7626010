using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace KonPro.Streaming;

/// <summary>
/// The Polly pipelines every REST call runs in: an overall timeout, then retries (see <see cref="KonProRetryOptions"/>),
/// then a per-attempt timeout. One pipeline for the calls that are safe to repeat, one for the others, which are retried
/// only when their request was never sent. Built once per client; every wait runs on the client's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class KonProResilience
{
    /// <summary>The SDK operations that may be sent twice without harm (idempotent on the server, or reads).</summary>
    private static readonly FrozenSet<string> SafeToRepeat = FrozenSet.ToFrozenSet(
    [
        "KeepAlive", "StartListening", "StopListening", "InterruptTask", "StopSession", "CreateToken",
        "ListSessions", "ListSessionHistory", "ListAvatars", "ListKnowledgeBases",
    ], StringComparer.Ordinal);

    private readonly KonProRetryOptions _options;
    private readonly ILogger _logger;
    private readonly KonProTelemetry _telemetry;

    public KonProResilience(KonProRetryOptions? options, TimeProvider time, ILogger logger, KonProTelemetry telemetry)
    {
        _options = options ?? new KonProRetryOptions();
        _options.Validate();
        _logger = logger;
        _telemetry = telemetry;
        Repeatable = Build(time, repeatable: true);
        Once = Build(time, repeatable: false);
    }

    /// <summary>The pipeline of the calls that are safe to repeat.</summary>
    public ResiliencePipeline Repeatable { get; }

    /// <summary>The pipeline of the calls retried only when nothing was sent.</summary>
    public ResiliencePipeline Once { get; }

    public static bool IsSafeToRepeat(string operation) => SafeToRepeat.Contains(operation);

    public ResiliencePipeline For(string operation) => IsSafeToRepeat(operation) ? Repeatable : Once;

    /// <summary>Whether the request of a failed call never left this process (the connection could not be made).</summary>
    internal static bool NeverSent(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError };

    /// <summary>Whether a failure may pass on a later attempt, for a call that may (or may not) be repeated.</summary>
    internal bool IsTransient(Exception? exception, bool repeatable) => exception switch
    {
        null or OperationCanceledException => false,
        _ when NeverSent(exception) => true,
        _ when !repeatable => false,
        HttpRequestException => true,
        TimeoutRejectedException => true,
        KonProApiException { Status: 408 } => true,
        KonProApiException { Status: 429 } api => api.IsRetryable && (api.RetryAfter is null || api.RetryAfter <= _options.MaxRetryAfter),
        KonProApiException { Status: >= 500 } api => api.RetryAfter is null || api.RetryAfter <= _options.MaxRetryAfter,
        _ => false,
    };

    private static string Describe(Exception? exception) => exception switch
    {
        KonProApiException api => $"HTTP {api.Status} {api.ErrorCode}".TrimEnd(),
        HttpRequestException http => "no answer: " + http.HttpRequestError,
        TimeoutRejectedException => "the attempt timed out",
        _ => exception?.GetType().Name ?? "unknown",
    };

    private ResiliencePipeline Build(TimeProvider time, bool repeatable)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (_options.TotalTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(_options.TotalTimeout);
        }

        if (_options.Enabled && _options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.BaseDelay,
                MaxDelay = _options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, repeatable)),
                // The server's Retry-After, when it gave one (IsTransient already refused waits above the cap).
                DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Exception is KonProApiException { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var operation = args.Context.OperationKey ?? "call";
                    var reason = Describe(args.Outcome.Exception);
                    Log.RetryingCall(_logger, operation, args.AttemptNumber + 2, args.RetryDelay.TotalMilliseconds, reason);
                    _telemetry.Retries.Add(
                        1,
                        new KeyValuePair<string, object?>("konpro.operation", operation),
                        new KeyValuePair<string, object?>("konpro.retry.reason", reason));
                    return default;
                },
            });
        }

        if (_options.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(_options.AttemptTimeout);
        }

        return builder.Build();
    }
}
