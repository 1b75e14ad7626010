namespace KonPro.Streaming.Admin;

/// <summary>How a <see cref="KonProAdminClient"/> logs and measures.</summary>
public sealed class KonProAdminClientOptions
{
    /// <summary>Where logs go (none when null). The API key is never logged.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for durations; <see cref="System.TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Creates the <c>KonPro.Streaming</c> meter; a private meter when null.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>How REST calls are retried and timed out (on by default; <see cref="KonProRetryOptions.None"/> turns retries off).</summary>
    public KonProRetryOptions Retry { get; set; } = new();
}
