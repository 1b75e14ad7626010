using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;

namespace KonPro.Streaming;

/// <summary>
/// The retry pipelines of the process: one per clock and distinct <see cref="RetrySettings"/>, built by the first call
/// of any client that needs it and then shared by every client with the same clock and settings, so a client's first
/// retry does not build one again. A pipeline holds nothing of a client: its settings are values, its clock is its key,
/// and the client's logger and retry counter reach its retry callback through the call's
/// <see cref="ResilienceContext"/> (<see cref="ClientKey"/>), which the context pool clears when the call returns it.
/// </summary>
/// <remarks>
/// A process-wide cache, where the SDK otherwise keeps no global state (docs/STYLE habit 12), because what it holds is
/// immutable and the same for every client configured alike: the clocks are held weakly (a test's fake clock and its
/// pipelines are collected together), and a clock keeps at most <see cref="MaxSettingsPerClock"/> settings (a process
/// that makes clients with ever new settings builds the further ones per client, as before this cache).
/// </remarks>
internal static class RetryPipelines
{
    /// <summary>How many distinct settings one clock keeps pipelines for.</summary>
    internal const int MaxSettingsPerClock = 32;

    /// <summary>The client whose call runs in the pipeline: its retry callback logs and counts through it.</summary>
    public static readonly ResiliencePropertyKey<KonProResilience> ClientKey = new("KonPro.Client");

    private static readonly ConditionalWeakTable<TimeProvider, ConcurrentDictionary<RetrySettings, ResiliencePipeline>> ByClock = new();

    /// <summary>The pipeline for <paramref name="settings"/> whose waits and timeouts run on <paramref name="time"/>.</summary>
    public static ResiliencePipeline Get(TimeProvider time, RetrySettings settings)
    {
        var pipelines = ByClock.GetValue(time, static _ => new ConcurrentDictionary<RetrySettings, ResiliencePipeline>());
        if (pipelines.TryGetValue(settings, out var pipeline))
        {
            return pipeline;
        }

        // Two racing first uses may both build one; the first stored is the one every client uses.
        return pipelines.Count < MaxSettingsPerClock
            ? pipelines.GetOrAdd(settings, static (settings, time) => Build(time, settings), time)
            : Build(time, settings);
    }

    private static ResiliencePipeline Build(TimeProvider time, RetrySettings settings)
    {
        // The total timeout is the deadline of KonProResilience.RetryAsync, which began with the first attempt, outside the pipeline.
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(KonProResilience.IsTransient(args.Outcome.Exception, settings.Repeatable, settings.MaxRetryAfter)),
                // The server's Retry-After, when it gave one (IsTransient already refused waits above the cap).
                DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Exception is KonProApiException { RetryAfter: { } wait } ? wait : (TimeSpan?)null),
                OnRetry = static args =>
                {
                    if (args.Context.Properties.TryGetValue(ClientKey, out var client))
                    {
                        client.ReportRetry(args.Context.OperationKey ?? "call", args.AttemptNumber + 2, args.RetryDelay, args.Outcome.Exception);
                    }

                    return default;
                },
            });
        }

        if (settings.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(settings.AttemptTimeout);
        }

        return builder.Build();
    }
}

/// <summary>
/// What a retry pipeline is built from: the values of <see cref="KonProRetryOptions"/> it uses (no retries when
/// <see cref="MaxRetries"/> is 0, whatever the options' <c>Enabled</c> said) and whether its calls are safe to repeat.
/// Equal settings share a pipeline (<see cref="RetryPipelines"/>).
/// </summary>
internal readonly record struct RetrySettings(int MaxRetries, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan MaxRetryAfter, TimeSpan AttemptTimeout, bool Repeatable)
{
    /// <summary>The settings of <paramref name="options"/> for calls that are (or are not) safe to repeat.</summary>
    public static RetrySettings Of(KonProRetryOptions options, bool repeatable) => new(
        options.Enabled ? options.MaxRetries : 0, options.BaseDelay, options.MaxDelay, options.MaxRetryAfter, options.AttemptTimeout, repeatable);
}
