using System.Globalization;
using System.Text.Json;
using KonPro.StreamingAvatar.Api;

namespace KonPro.StreamingAvatar;

/// <summary>
/// Turns whatever a KonPro server answered with into the one exception family. Reads every envelope of the
/// protocol: <c>{"error":{code,message,details},"request_id"}</c>, the legacy <c>{"code":400112,"message":...}</c>,
/// <c>{"detail":...}</c>, and a 2xx answer whose envelope <c>code</c> is not the success code.
/// </summary>
internal static class KonProErrorMapper
{
    /// <summary>The legacy numeric code of an authentication failure.</summary>
    public const string LegacyUnauthorizedCode = "400112";

    public static KonProApiException FromApiException(ApiException exception, string operation, SecretRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var details = Parse(exception.StatusCode, exception.Response, exception.Headers, operation, redactor);

        // The generated exception is not kept as the inner exception: its message and ToString() carry the raw
        // response body, which is not redacted.
        return Create(details, innerException: null);
    }

    public static KonProApiException FromEnvelope(int status, int code, string? message, string operation, SecretRedactor redactor)
    {
        var details = new KonProErrorDetails(
            status,
            code.ToString(CultureInfo.InvariantCulture),
            redactor.Redact(message),
            Field: null,
            RequestId: null,
            operation,
            RetryAfter: null);
        return Create(details, innerException: null);
    }

    internal static KonProErrorDetails Parse(
        int status,
        string? body,
        IReadOnlyDictionary<string, IEnumerable<string>>? headers,
        string operation,
        SecretRedactor redactor)
    {
        string? code = null;
        string? message = null;
        string? field = null;
        string? reason = null;
        string? requestId = null;

        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    requestId = ReadString(root, "request_id");
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        code = ReadString(error, "code");
                        message = ReadString(error, "message");
                        if (error.TryGetProperty("details", out var detailsElement) && detailsElement.ValueKind == JsonValueKind.Object)
                        {
                            field = ReadString(detailsElement, "field");
                            reason = ReadString(detailsElement, "reason");
                        }
                    }
                    else if (root.TryGetProperty("detail", out var detail))
                    {
                        message = detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText();
                    }
                    else
                    {
                        code = ReadString(root, "code");
                        message = ReadString(root, "message") ?? (root.TryGetProperty("error", out var errorText) && errorText.ValueKind == JsonValueKind.String ? errorText.GetString() : null);
                    }
                }
            }
            catch (JsonException)
            {
                message = body.Length > 200 ? body[..200] : body;
            }
        }

        requestId ??= ReadHeader(headers, "x-request-id");
        var retryAfter = ParseRetryAfter(ReadHeader(headers, "Retry-After"));

        return new KonProErrorDetails(
            status,
            redactor.Redact(code),
            redactor.Redact(message),
            redactor.Redact(field),
            requestId,
            operation,
            retryAfter)
        {
            Reason = redactor.Redact(reason),
        };
    }

    internal static KonProApiException Create(KonProErrorDetails details, Exception? innerException)
    {
        var code = details.ErrorCode ?? string.Empty;
        var message = details.ApiMessage ?? string.Empty;

        if (code == LegacyUnauthorizedCode || code == "INVALID_API_KEY" || details.Status == 401)
        {
            return new KonProAuthenticationException(details, innerException);
        }

        if (code == "INSUFFICIENT_PERMISSIONS" || details.Status == 403)
        {
            return new KonProPermissionException(details, innerException);
        }

        if (code == "SESSION_STATE_INVALID" || message.Contains("session state wrong", StringComparison.OrdinalIgnoreCase))
        {
            return new KonProSessionClosedException(details, innerException);
        }

        if (code == "RESOURCE_NOT_FOUND" || details.Status == 404)
        {
            return new KonProNotFoundException(details, innerException);
        }

        if (code == "CONCURRENCY_LIMIT_EXCEEDED" || message.Contains("concurrent limit", StringComparison.OrdinalIgnoreCase))
        {
            return new KonProConcurrencyLimitException(details, innerException);
        }

        if (code == "RATE_LIMIT_EXCEEDED" || details.Status == 429)
        {
            return new KonProRateLimitException(details, innerException);
        }

        if (code == "VALIDATION_ERROR" || details.Status is 400 or 422)
        {
            return new KonProValidationException(details, innerException);
        }

        if (details.Status >= 500 || code is "PROCESSING_ERROR" or "SERVICE_UNAVAILABLE")
        {
            return new KonProServerException(details, innerException);
        }

        return new KonProApiException(details, innerException);
    }

    internal static TimeSpan? ParseRetryAfter(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - DateTimeOffset.UtcNow;
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    private static string? ReadString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    private static string? ReadHeader(IReadOnlyDictionary<string, IEnumerable<string>>? headers, string name)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var pair in headers)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value.FirstOrDefault();
            }
        }

        return null;
    }
}
