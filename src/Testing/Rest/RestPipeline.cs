using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// What every REST call goes through: faults (latency, canned answers), the rate limit, authentication, the
/// endpoint, the error envelope and the journal.
/// </summary>
internal sealed class RestPipeline(FakeServerCore core)
{
    private readonly Lock _rateGate = new();
    private long _windowStart = core.Clock.Timestamp();
    private int _windowCount;
    private int _requestCounter;
    private readonly Lazy<Strict.SpecValidator> _spec = new(Strict.SpecValidator.Load);

    // Error messages quote what the client sent (a path, a body): keep its quotes readable (\" rather than \u0022).
    private readonly JsonSerializerOptions _errorJson = new(core.Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<IResponseMessage> HandleAsync(string operationId, Access access, IRequestMessage request, Func<RestCall, Task<object>> endpoint)
    {
        var at = core.Clock.UtcNow;
        var body = RequestBody.From(request);
        var sessionId = body.SessionId;
        var credential = CredentialKind.None;
        RestAnswer answer;
        try
        {
            var latency = core.Faults.LatencyFor(sessionId);
            if (latency > TimeSpan.Zero)
            {
                await core.Clock.DelayAsync(latency, CancellationToken.None).ConfigureAwait(false);
            }

            CheckRateLimit();
            var fault = core.Faults.TakeFailure(operationId, sessionId);
            if (fault is not null)
            {
                answer = new RestAnswer(fault.Status, fault.Body, fault.RetryAfterSeconds);
            }
            else
            {
                var call = Authenticate(request, body, operationId, access);
                credential = call.Credential;
                CheckAgainstSpec(operationId, body, at);
                var data = await endpoint(call).ConfigureAwait(false);
                answer = new RestAnswer(200, Envelope(data));
            }
        }
        catch (RestError error)
        {
            answer = ErrorAnswer(error);
        }
#pragma warning disable CA1031 // an internal error is an answer (500 PROCESSING_ERROR), never a crash of the fake
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.ProcessingError(core.Logger, ex, operationId);
            answer = ErrorAnswer(new RestError(500, "PROCESSING_ERROR", "internal error"));
        }

        Log.RestCall(core.Logger, request.Method, request.Path, operationId, credential, answer.Status);
        var limit = core.Options.MaxRecordedBodyBytes;
        core.Journal.Add(new RestCallRecord(
            at, operationId, request.Method, request.Path, credential, sessionId,
            BodyPrefix.Of(body.Bytes.Span, limit), answer.Status, BodyPrefix.Of(answer.Body, limit)));
        return ToResponse(answer);
    }

    // Strict mode: record every violation of the spec; with StrictModeRejects, answer the first one.
    private void CheckAgainstSpec(string operationId, RequestBody body, DateTimeOffset at)
    {
        if (!core.Options.StrictMode || !body.IsValid)
        {
            return;
        }

        var violations = _spec.Value.Validate(operationId, body.Value);
        foreach (var (path, rule, message) in violations)
        {
            core.Journal.Add(new SpecViolation(at, operationId, path, rule, message));
        }

        if (core.Options.StrictModeRejects && violations.Count > 0)
        {
            var (path, rule, message) = violations[0];
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            throw new RestError(400, "VALIDATION_ERROR", $"{field} {message} (spec rule: {rule})", field, $"{message} (spec rule: {rule})");
        }
    }

    private string Envelope(object data)
    {
        if (!core.Faults.UseStringSuccessCodes)
        {
            return JsonSerializer.Serialize(data, data.GetType(), core.Json);
        }

        var node = JsonSerializer.SerializeToNode(data, data.GetType(), core.Json);
        if (node is JsonObject envelope && envelope["code"] is JsonValue code && code.TryGetValue<int>(out var value) && value == 100)
        {
            envelope["code"] = "SUCCESS";
        }

        return node!.ToJsonString(core.Json);
    }

    private RestCall Authenticate(IRequestMessage request, RequestBody body, string operationId, Access access)
    {
        var apiKey = Header(request, "x-api-key");
        if (apiKey is not null)
        {
            return core.Tokens.IsApiKey(apiKey)
                ? new RestCall(request, body, operationId, CredentialKind.ApiKey, apiKey, null)
                : throw RestError.Unauthorized("invalid API key");
        }

        var authorization = Header(request, "Authorization");
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = core.Tokens.FindToken(authorization["Bearer ".Length..].Trim())
                ?? throw RestError.Unauthorized("invalid or expired session token");
            return access == Access.ApiKeyOnly
                ? throw RestError.Forbidden("a session token cannot call this endpoint")
                : new RestCall(request, body, operationId, CredentialKind.SessionToken, null, token);
        }

        throw RestError.Unauthorized("missing API key or session token");
    }

    private void CheckRateLimit()
    {
        if (core.Options.RateLimitPerSecond is not { } limit)
        {
            return;
        }

        lock (_rateGate)
        {
            if (core.Clock.ModelElapsedSince(_windowStart) >= TimeSpan.FromSeconds(1))
            {
                _windowStart = core.Clock.Timestamp();
                _windowCount = 0;
            }

            if (++_windowCount > limit)
            {
                throw new RestError(429, "RATE_LIMIT_EXCEEDED", "rate limit exceeded") { RetryAfterSeconds = 1 };
            }
        }
    }

    public RestAnswer ErrorAnswer(RestError error)
    {
        var body = new ErrorResponse
        {
            Error = new ApiError
            {
                Code = error.Code,
                Message = error.Message,
                Details = error.Field is null ? null : new ErrorDetails { Field = error.Field, Reason = error.Reason },
            },
            RequestId = $"req-{Interlocked.Increment(ref _requestCounter):x8}",
        };
        return new RestAnswer(error.Status, JsonSerializer.Serialize(body, _errorJson), error.RetryAfterSeconds);
    }

    private static string? Header(IRequestMessage request, string name)
    {
        if (request.Headers is null)
        {
            return null;
        }

        foreach (var (key, values) in request.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && values.Count > 0)
            {
                return values[0];
            }
        }

        return null;
    }

    private static ResponseMessage ToResponse(RestAnswer answer)
    {
        var response = new ResponseMessage
        {
            StatusCode = answer.Status,
            BodyData = new BodyData
            {
                BodyAsString = answer.Body,
                DetectedBodyType = BodyType.String,
                Encoding = Encoding.UTF8,
            },
        };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        if (answer.RetryAfterSeconds is { } retry)
        {
            response.AddHeader("Retry-After", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }
}
