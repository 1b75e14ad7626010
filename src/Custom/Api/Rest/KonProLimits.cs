namespace KonPro.Streaming.Api;

/// <summary>
/// The validation ranges of <c>openapi/konpro-streaming.yaml</c> that clients check before a call and servers
/// enforce. A test holds these values and the spec's <c>minimum</c>, <c>maximum</c> and <c>maxLength</c> in agreement.
/// Internal: the SDK's and the fake's shared plumbing (ADR 0006); users meet the limits as the SDK's validation errors and
/// the spec's <c>minimum</c>/<c>maximum</c>.
/// </summary>
internal static class KonProLimits
{
    /// <summary>The most characters a task's <c>text</c> may have: 1,000.</summary>
    public const int MaxTaskTextLength = 1000;

    /// <summary>The slowest speaking rate (<c>voice.rate</c>): 0.5.</summary>
    public const double MinVoiceRate = 0.5;

    /// <summary>The fastest speaking rate (<c>voice.rate</c>): 1.5.</summary>
    public const double MaxVoiceRate = 1.5;

    /// <summary>The shortest <c>activity_idle_timeout</c>, in seconds: 30.</summary>
    public const int MinActivityIdleTimeout = 30;

    /// <summary>The longest <c>activity_idle_timeout</c>, in seconds: 3,600.</summary>
    public const int MaxActivityIdleTimeout = 3600;

    /// <summary>The most sessions one page of the session history may hold (<c>page_size</c>): 100.</summary>
    public const int MaxHistoryPageSize = 100;
}
