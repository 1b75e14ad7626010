using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KonPro.Streaming.Api;

namespace KonPro.Streaming;

/// <summary>
/// Turns whatever a KonPro server answered with into the one exception family. Reads every envelope of the
/// protocol: <c>{"error":{code,message,details},"request_id"}</c>, the legacy <c>{"code":400112,"message":...}</c>,
/// <c>{"detail":...}</c>, and a 2xx answer whose envelope <c>code</c> is not the success code.
/// </summary>
internal static partial class KonProErrorMapper
{
    /// <summary>The legacy numeric code of an authentication failure.</summary>
    public const string LegacyUnauthorizedCode = "400112";

    /// <summary>How much of an unreadable answer's body an exception message shows (after redaction).</summary>
    public const int BodyPrefixLength = 120;

    private static readonly string SuccessCode = LenientInt32Converter.SuccessCode.ToString(CultureInfo.InvariantCulture);

    /// <summary>The longest <c>Retry-After</c> the SDK reports; longer values (and dates further away) are clamped to it.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    public static KonProApiException FromApiException(ApiException exception, string operation, SecretRedactor redactor, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.StatusCode is >= 200 and < 300)
        {
            // A success status whose body the generated client could not turn into a complete result: empty, not
            // JSON, or without a required field (the generated DTOs mark them [JsonRequired]; null is refused too).
            // One that carries an error envelope (create_token's {"error":{...},"data":null}, a non-success code) is that error.
            var reported = Parse(exception.StatusCode, exception.Response, exception.Headers, operation, redactor, time);
            if (reported.ErrorCode is { } errorCode && errorCode != SuccessCode && !string.Equals(errorCode, "SUCCESS", StringComparison.OrdinalIgnoreCase))
            {
                return Create(reported, innerException: null);
            }

            var reason = exception.InnerException is { } inner ? inner.Message : "the body was empty or null";
            return IncompleteAnswer(exception.StatusCode, exception.Response, reason, operation, redactor);
        }

        var details = Parse(exception.StatusCode, exception.Response, exception.Headers, operation, redactor, time);

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

    /// <summary>A success status whose body is not a complete result of <paramref name="operation"/>.</summary>
    public static KonProApiException IncompleteAnswer(int status, string? body, string reason, string operation, SecretRedactor redactor)
    {
        var message = $"the answer is not a complete result ({redactor.Redact(reason)}); the body begins: {RedactedPrefix(body, redactor)}";
        var details = new KonProErrorDetails(status, ErrorCode: null, message, Field: null, RequestId: null, operation, RetryAfter: null);
        return new KonProApiException(details, innerException: null);
    }

    /// <summary>
    /// The first <see cref="BodyPrefixLength"/> characters of a body, with the client's known secrets and the value of
    /// every token-like JSON field (a room token, say, that the client has not learnt yet) masked.
    /// </summary>
    internal static string RedactedPrefix(string? body, SecretRedactor redactor)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "(empty)";
        }

        // Masked before truncation, so a secret cut in half is still recognised.
        var masked = SecretField().Replace(redactor.Redact(body)!, "$1\"" + SecretRedactor.Mask + "\"");
        return masked.Length <= BodyPrefixLength ? masked : string.Concat(masked.AsSpan(0, BodyPrefixLength), "...");
    }

    internal static KonProErrorDetails Parse(
        int status,
        string? body,
        IReadOnlyDictionary<string, IEnumerable<string>>? headers,
        string operation,
        SecretRedactor redactor,
        TimeProvider? time = null)
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
                        message = detail.ValueKind == JsonValueKind.String ? ReadText(detail) : detail.GetRawText();
                    }
                    else
                    {
                        code = ReadString(root, "code");
                        message = ReadString(root, "message") ?? (root.TryGetProperty("error", out var errorText) && errorText.ValueKind == JsonValueKind.String ? ReadText(errorText) : null);
                    }
                }
            }
            catch (JsonException)
            {
                // Masked before the cut, so that a secret the cut splits is still recognised (and not half shown).
                var masked = redactor.Redact(body)!;
                message = masked.Length > 200 ? masked[..200] : masked;
            }
        }

        requestId ??= ReadHeader(headers, "x-request-id");
        var retryAfter = ParseRetryAfter(ReadHeader(headers, "Retry-After"), time);

        return new KonProErrorDetails(
            status,
            redactor.Redact(code),
            redactor.Redact(message),
            redactor.Redact(field),
            redactor.Redact(requestId),
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

    /// <summary>
    /// Reads a <c>Retry-After</c> header: delay-seconds (fractions accepted) or an HTTP date. Never throws: a negative
    /// or past value reads as zero, anything longer than <see cref="MaxRetryAfter"/> (<c>1e308</c>, infinity, a date
    /// years away) as <see cref="MaxRetryAfter"/>, and garbage (<c>NaN</c>, words, an empty value) as null.
    /// </summary>
    internal static TimeSpan? ParseRetryAfter(string? value, TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (double.IsNaN(seconds))
            {
                return null;
            }

            return seconds <= 0 ? TimeSpan.Zero
                : seconds >= MaxRetryAfter.TotalSeconds ? MaxRetryAfter
                : TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var now = (time ?? TimeProvider.System).GetUtcNow();
            if (date <= now)
            {
                return TimeSpan.Zero;
            }

            // Compared before subtracting: DateTimeOffset.MaxValue minus a time long ago still fits a TimeSpan, but be explicit.
            return date - now >= MaxRetryAfter ? MaxRetryAfter : date - now;
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
            JsonValueKind.String => ReadText(value),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    /// <summary>A string value, or its raw JSON when it cannot be decoded (an escaped lone surrogate).</summary>
    private static string ReadText(JsonElement value)
    {
        try
        {
            return value.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return value.GetRawText();
        }
    }

    [GeneratedRegex("(\"[A-Za-z_]*(?:token|secret|key|realtime_endpoint|password)[A-Za-z_]*\"\\s*:\\s*)(?:\"(?:[^\"\\\\]|\\\\.)*\"?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretField();

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
