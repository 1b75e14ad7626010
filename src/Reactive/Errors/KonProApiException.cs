namespace KonPro.Streaming;

/// <summary>
/// A call to the KonPro API failed. Every error the API reports arrives as this type or one of its subclasses,
/// whatever envelope the server used (the current <c>{"error":{...},"request_id":...}</c>, the legacy numeric
/// <c>{"code":400112,"message":...}</c>, <c>{"detail":...}</c>, or a 2xx answer with a non-success code).
/// Catch a subclass to branch on the kind of failure; the message never contains a token or API key.
/// A server that cannot be reached at all surfaces as <see cref="HttpRequestException"/> (no answer, no error code),
/// a call that ran out of its time (<see cref="KonProRetryOptions.TotalTimeout"/>) as <see cref="TimeoutException"/>,
/// and a cancelled call as <see cref="OperationCanceledException"/>. A success status whose body is not a complete
/// result (no <c>data</c>, a required field missing or null, not JSON) is this type with <see cref="Status"/> 200 and
/// the body's first characters, secrets masked, in the message.
/// </summary>
public class KonProApiException : Exception
{
    /// <summary>Creates an exception with a message only (for mocks and tests).</summary>
    /// <param name="message">The message.</param>
    public KonProApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KonProApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception from the parts of a failed call.</summary>
    /// <param name="details">What the server said.</param>
    /// <param name="innerException">The cause, if any.</param>
    internal KonProApiException(KonProErrorDetails details, Exception? innerException)
        : base(details.FormatMessage(), innerException)
    {
        Status = details.Status;
        ErrorCode = details.ErrorCode;
        ApiMessage = details.ApiMessage;
        Field = details.Field;
        RequestId = details.RequestId;
        Operation = details.Operation;
        RetryAfter = details.RetryAfter;
    }

    /// <summary>The HTTP status of the answer (200 when a 2xx answer carried a non-success code).</summary>
    public int Status { get; }

    /// <summary>The API's error code as a string, e.g. <c>VALIDATION_ERROR</c>, <c>400112</c>; null when the server sent none.</summary>
    public string? ErrorCode { get; }

    /// <summary>The API's own message, e.g. <c>session state wrong: closed</c>.</summary>
    public string? ApiMessage { get; }

    /// <summary>The request field the error is about (<c>details.field</c>), e.g. <c>voice.rate</c>.</summary>
    public string? Field { get; }

    /// <summary>The server's request id (<c>request_id</c> or the <c>x-request-id</c> header), for support.</summary>
    public string? RequestId { get; }

    /// <summary>The SDK operation that failed, e.g. <c>NewSession</c>, <c>SendTask</c>.</summary>
    public string? Operation { get; }

    /// <summary>How long the server asked the client to wait before retrying (<c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether the same call may succeed if retried later (rate limits, 5xx).</summary>
    public virtual bool IsRetryable => Status is 429 or >= 500;
}

/// <summary>The API key or session token is missing, unknown or expired (HTTP 401, or legacy code 400112).</summary>
public sealed class KonProAuthenticationException : KonProApiException
{
    internal KonProAuthenticationException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The credential may not do this (HTTP 403): a session token on an API-key-only call, or on another session.</summary>
public sealed class KonProPermissionException : KonProApiException
{
    internal KonProPermissionException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The session, avatar or knowledge base does not exist (HTTP 404).</summary>
public sealed class KonProNotFoundException : KonProApiException
{
    internal KonProNotFoundException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>The server rejected a field (HTTP 400 <c>VALIDATION_ERROR</c>); <see cref="KonProApiException.Field"/> names it.</summary>
public sealed class KonProValidationException : KonProApiException
{
    internal KonProValidationException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>
/// The session is in the wrong state for the call, usually because it is closed (HTTP 400
/// <c>SESSION_STATE_INVALID</c>, message <c>session state wrong: ...</c>).
/// </summary>
public sealed class KonProSessionClosedException : KonProApiException
{
    internal KonProSessionClosedException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>Too many sessions are open for this API key (HTTP 429 <c>CONCURRENCY_LIMIT_EXCEEDED</c>); stop one first.</summary>
public sealed class KonProConcurrencyLimitException : KonProApiException
{
    internal KonProConcurrencyLimitException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => false;
}

/// <summary>Too many requests (HTTP 429 <c>RATE_LIMIT_EXCEEDED</c>); wait <see cref="KonProApiException.RetryAfter"/> before retrying.</summary>
public sealed class KonProRateLimitException : KonProApiException
{
    internal KonProRateLimitException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => true;
}

/// <summary>The server failed or is temporarily unavailable (HTTP 5xx, e.g. <c>PROCESSING_ERROR</c>, <c>SERVICE_UNAVAILABLE</c>).</summary>
public sealed class KonProServerException : KonProApiException
{
    internal KonProServerException(KonProErrorDetails details, Exception? innerException)
        : base(details, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetryable => true;
}
