using System.Text.Json;
using System.Text.Json.Nodes;

namespace KonPro.Streaming.Testing;

/// <summary>A canned answer that replaces a REST operation's real answer (see <see cref="KonProFaults.FailNext"/>).</summary>
public sealed class FaultAnswer
{
    private FaultAnswer(int status, string body, int? retryAfterSeconds)
    {
        Status = status;
        Body = body;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The JSON body.</summary>
    public string Body { get; }

    /// <summary>The <c>Retry-After</c> header in seconds, when set.</summary>
    public int? RetryAfterSeconds { get; }

    /// <summary>KonPro's current error envelope <c>{"error": {"code", "message"}, "request_id"}</c>.</summary>
    /// <param name="status">The HTTP status (4xx or 5xx).</param>
    /// <param name="code">The error code, such as <c>SERVICE_UNAVAILABLE</c>.</param>
    /// <param name="message">The error message.</param>
    /// <param name="retryAfterSeconds">A <c>Retry-After</c> header, when set.</param>
    public static FaultAnswer Error(int status, string code, string message, int? retryAfterSeconds = null)
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
            ["request_id"] = "req-fault",
        };
        return new FaultAnswer(status, body.ToJsonString(), retryAfterSeconds);
    }

    /// <summary>An older deployment's numeric error envelope, by default <c>401 {"code": 400112, "message": "Unauthorized"}</c>.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The numeric code.</param>
    /// <param name="message">The message.</param>
    public static FaultAnswer LegacyCode(int status = 401, int code = 400112, string message = "Unauthorized")
    {
        var body = new JsonObject { ["code"] = code, ["message"] = message };
        return new FaultAnswer(status, body.ToJsonString(), null);
    }

    /// <summary>An older deployment's <c>{"detail": "..."}</c> error body.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="detail">The detail text.</param>
    public static FaultAnswer Detail(int status, string detail) =>
        new(status, new JsonObject { ["detail"] = detail }.ToJsonString(), null);

    /// <summary>A 2xx answer whose envelope <c>code</c> is not the success code 100: <c>{"code": code, "message": message, "data": null}</c>.</summary>
    /// <param name="code">The non-success envelope code.</param>
    /// <param name="message">The envelope message.</param>
    /// <param name="status">The HTTP status (default 200).</param>
    public static FaultAnswer NonSuccessCode(int code, string message, int status = 200)
    {
        var body = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = null };
        return new FaultAnswer(status, body.ToJsonString(new JsonSerializerOptions()), null);
    }

    /// <summary>Any status and body, as given.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="body">The body (sent as <c>application/json</c>).</param>
    public static FaultAnswer Raw(int status, string body) => new(status, body, null);

    /// <inheritdoc />
    public override string ToString() => $"{Status} {Body}";
}
