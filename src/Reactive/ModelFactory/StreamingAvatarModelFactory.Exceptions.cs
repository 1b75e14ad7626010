namespace KonPro.Streaming;

/// <content>The exception family, with every part a failed call carries, to test error handling without a server.</content>
public static partial class StreamingAvatarModelFactory
{
    /// <summary>Creates the base exception of the family, as a failed call with no more specific kind throws it.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed, e.g. <c>SendTask</c>.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception; its message is the one the SDK would write.</returns>
    public static KonProApiException KonProApiException(int status, string? errorCode = null, string? apiMessage = null, string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a failed authentication (HTTP 401 <c>INVALID_API_KEY</c> by default).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProAuthenticationException KonProAuthenticationException(int status = 401, string? errorCode = "INVALID_API_KEY", string? apiMessage = "Unauthorized", string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a refused permission (HTTP 403 <c>INSUFFICIENT_PERMISSIONS</c> by default).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProPermissionException KonProPermissionException(int status = 403, string? errorCode = "INSUFFICIENT_PERMISSIONS", string? apiMessage = null, string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a missing session, avatar or knowledge base (HTTP 404 <c>RESOURCE_NOT_FOUND</c> by default).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProNotFoundException KonProNotFoundException(int status = 404, string? errorCode = "RESOURCE_NOT_FOUND", string? apiMessage = null, string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a rejected field (HTTP 400 <c>VALIDATION_ERROR</c> by default).</summary>
    /// <param name="field">The request field, e.g. <c>voice.rate</c>.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProValidationException KonProValidationException(string? field = null, string? apiMessage = null, int status = 400, string? errorCode = "VALIDATION_ERROR", string? requestId = null, TimeSpan? retryAfter = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a call on a session in the wrong state (HTTP 400 <c>SESSION_STATE_INVALID</c>, <c>session state wrong: closed</c> by default).</summary>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProSessionClosedException KonProSessionClosedException(string? apiMessage = "session state wrong: closed", int status = 400, string? errorCode = "SESSION_STATE_INVALID", string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a refusal for too many open sessions (HTTP 429 <c>CONCURRENCY_LIMIT_EXCEEDED</c> by default).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProConcurrencyLimitException KonProConcurrencyLimitException(int status = 429, string? errorCode = "CONCURRENCY_LIMIT_EXCEEDED", string? apiMessage = "concurrent limit reached", string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a rate limit (HTTP 429 <c>RATE_LIMIT_EXCEEDED</c> by default), with the wait the server asked for.</summary>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProRateLimitException KonProRateLimitException(TimeSpan? retryAfter = null, int status = 429, string? errorCode = "RATE_LIMIT_EXCEEDED", string? apiMessage = null, string? requestId = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    /// <summary>Creates a server failure (HTTP 500 <c>PROCESSING_ERROR</c> by default; 503 <c>SERVICE_UNAVAILABLE</c> for a temporary one).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The API's error code.</param>
    /// <param name="apiMessage">The API's own message.</param>
    /// <param name="requestId">The server's request id.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>.</param>
    /// <param name="field">The request field the error is about.</param>
    /// <param name="operation">The SDK operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    /// <returns>The exception.</returns>
    public static KonProServerException KonProServerException(int status = 500, string? errorCode = "PROCESSING_ERROR", string? apiMessage = null, string? requestId = null, TimeSpan? retryAfter = null, string? field = null, string? operation = null, Exception? innerException = null) =>
        new(Details(status, errorCode, apiMessage, requestId, retryAfter, field, operation), innerException);

    private static KonProErrorDetails Details(int status, string? errorCode, string? apiMessage, string? requestId, TimeSpan? retryAfter, string? field, string? operation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        return new KonProErrorDetails(status, errorCode, apiMessage, field, requestId, operation, retryAfter);
    }
}
