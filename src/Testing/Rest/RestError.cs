namespace KonPro.Streaming.Testing.Rest;

/// <summary>An error answer in KonPro's envelope, thrown by an endpoint and written by the pipeline.</summary>
internal sealed class RestError(int status, string code, string message, string? field = null, string? reason = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Field { get; } = field;

    public string? Reason { get; } = reason;

    public int? RetryAfterSeconds { get; init; }

    public static RestError Validation(string field, string reason) =>
        new(400, "VALIDATION_ERROR", $"{field} {reason}", field, reason);

    public static RestError State(string state) =>
        new(400, "SESSION_STATE_INVALID", $"session state wrong: {state}");

    public static RestError Unauthorized(string message) => new(401, "INVALID_API_KEY", message);

    public static RestError Forbidden(string message) => new(403, "INSUFFICIENT_PERMISSIONS", message);

    public static RestError NotFound(string message) => new(404, "RESOURCE_NOT_FOUND", message);
}
