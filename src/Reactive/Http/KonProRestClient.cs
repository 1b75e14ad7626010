using System.Diagnostics;
using System.Runtime.CompilerServices;
using KonPro.Streaming.Api;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace KonPro.Streaming;

/// <summary>
/// The generated REST client plus what every call needs: the credential, a span, a duration metric, a log line,
/// retries and timeouts (<see cref="KonProResilience"/>), and the translation of every error shape into <see cref="KonProApiException"/>.
/// </summary>
internal sealed class KonProRestClient : IDisposable
{
    private readonly HttpClient? _ownedClient;
    private readonly ILogger _logger;
    private readonly KonProTelemetry _telemetry;
    private readonly TimeProvider _time;

    public KonProRestClient(
        HttpClient? httpClient,
        Uri baseUri,
        KonProCredential credential,
        ILogger logger,
        KonProTelemetry telemetry,
        TimeProvider time,
        SecretRedactor redactor,
        KonProRetryOptions? retry = null)
    {
        _ownedClient = httpClient is null ? new HttpClient() : null;
        Credential = credential;
        BaseUri = baseUri;
        Api = new KonProApiClient(httpClient ?? _ownedClient!)
        {
            // The client keeps error bodies as text (src/Custom/Api), so every envelope shape can be read.
            BaseUrl = baseUri.ToString(),
            // The credential goes on each request, never on the (possibly shared) client's default headers.
            RequestPreparer = credential.Apply,
        };
        _logger = logger;
        _telemetry = telemetry;
        _time = time;
        Redactor = redactor;
        redactor.Add(credential.Secret);
        Resilience = new KonProResilience(retry, time, logger, telemetry);
    }

    public IKonProApiClient Api { get; }

    public Uri BaseUri { get; }

    public KonProCredential Credential { get; }

    public SecretRedactor Redactor { get; }

    public KonProResilience Resilience { get; }

    /// <summary>Runs one REST call with its span, metric, log line and error translation.</summary>
    /// <param name="operation">The operation's name (e.g. <c>NewSession</c>).</param>
    /// <param name="call">The generated client's call.</param>
    /// <param name="envelope">Reads the envelope code and message of a 2xx answer (null when the answer has none).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="sessionId">The session the call belongs to, tagged on its span.</param>
    /// <param name="sessionIdOf">Reads the session id from the answer (for the call that creates the session).</param>
    public ValueTask<T> CallAsync<T>(
        string operation,
        Func<IKonProApiClient, CancellationToken, Task<T>> call,
        Func<T, (int Code, string? Message)>? envelope,
        CancellationToken cancellationToken,
        string? sessionId = null,
        Func<T, string?>? sessionIdOf = null) =>
        CallAsync(operation, call, static (api, call, ct) => call(api, ct), envelope, cancellationToken, sessionId, sessionIdOf);

    /// <summary>
    /// Runs one REST call whose body travels as <paramref name="state"/>, so that callers pass static lambdas and a
    /// call allocates no closure.
    /// </summary>
    /// <param name="operation">The operation's name (e.g. <c>KeepAlive</c>).</param>
    /// <param name="state">What the call needs (its request body).</param>
    /// <param name="call">The generated client's call.</param>
    /// <param name="envelope">Reads the envelope code and message of a 2xx answer (null when the answer has none).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="sessionId">The session the call belongs to, tagged on its span.</param>
    /// <param name="sessionIdOf">Reads the session id from the answer (for the call that creates the session).</param>
    /// <param name="alsoCancelledBy">A second token that cancels the call (the session's lifetime), so that callers need no linked source.</param>
    // Pooled async frames: a call's own state machine is reused rather than allocated (every caller awaits it once).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<T> CallAsync<TState, T>(
        string operation,
        TState state,
        Func<IKonProApiClient, TState, CancellationToken, Task<T>> call,
        Func<T, (int Code, string? Message)>? envelope,
        CancellationToken cancellationToken,
        string? sessionId = null,
        Func<T, string?>? sessionIdOf = null,
        CancellationToken alsoCancelledBy = default)
    {
        // The span's name is built only when someone listens: a call without listeners allocates nothing for tracing.
        using var activity = _telemetry.ActivitySource.HasListeners() ? _telemetry.ActivitySource.StartActivity("KonPro " + operation, ActivityKind.Client) : null;
        activity?.SetTag(KonProDiagnostics.OperationTag, operation);
        activity?.SetTag(KonProDiagnostics.SessionIdTag, sessionId);
        activity?.SetTag("server.address", BaseUri.Host);
        var started = _time.GetTimestamp();
        var outcome = "error";
        try
        {
            // The first attempt runs here, without a frame of its own; the retries (on Polly) only when it failed in a
            // way worth retrying.
            T result;
            Exception? retryAfter = null;
            var first = Resilience.Begin(cancellationToken, alsoCancelledBy);
            try
            {
                result = Checked(operation, envelope, await call(Api, state, first.Token).ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                var failure = exception is ApiException api ? KonProErrorMapper.FromApiException(api, operation, Redactor, _time) : exception;
                if (!Resilience.ShouldRetry(first, ref failure, operation, cancellationToken, alsoCancelledBy))
                {
                    if (ReferenceEquals(failure, exception))
                    {
                        throw;
                    }

                    throw failure;
                }

                retryAfter = failure;
                result = default!;
            }
            finally
            {
                Resilience.End(first);
            }

            if (retryAfter is not null)
            {
                result = await Resilience.RetryAsync(
                    operation,
                    static (args, ct) => args.Self.AttemptAsync(args.Operation, args.State, args.Call, args.Envelope, ct),
                    (Self: this, Operation: operation, State: state, Call: call, Envelope: envelope),
                    retryAfter,
                    started,
                    cancellationToken,
                    alsoCancelledBy).ConfigureAwait(false);
            }

            outcome = "success";
            if (activity is not null && sessionIdOf is not null)
            {
                activity.SetTag(KonProDiagnostics.SessionIdTag, sessionIdOf(result));
            }

            Log.CallSucceeded(_logger, operation, _time.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (KonProApiException mapped)
        {
            Fail(activity, mapped);
            throw;
        }
        catch (TimeoutRejectedException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            Log.CallFailedWithoutAnswer(_logger, operation, "timed out");
            throw new TimeoutException($"KonPro {operation} timed out after {exception.Timeout.TotalSeconds:0.###} s.", exception);
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (HttpRequestException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "network");
            Log.CallFailedWithoutAnswer(_logger, operation, Redactor.Redact(exception.Message) ?? "network error");
            throw;
        }
        finally
        {
            _telemetry.CallDuration.Record(
                _time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("konpro.operation", operation),
                new KeyValuePair<string, object?>("konpro.outcome", outcome));
        }
    }

    /// <summary>One retried attempt: the generated call, its error translated, and the envelope code checked.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> AttemptAsync<TState, T>(
        string operation,
        TState state,
        Func<IKonProApiClient, TState, CancellationToken, Task<T>> call,
        Func<T, (int Code, string? Message)>? envelope,
        CancellationToken cancellationToken)
    {
        T result;
        try
        {
            result = await call(Api, state, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException exception)
        {
            throw KonProErrorMapper.FromApiException(exception, operation, Redactor, _time);
        }

        return Checked(operation, envelope, result);
    }

    /// <summary>The result of a 2xx answer, when its envelope code says success.</summary>
    /// <exception cref="KonProApiException">The envelope code is not the success code.</exception>
    private T Checked<T>(string operation, Func<T, (int Code, string? Message)>? envelope, T result)
    {
        if (envelope is not null)
        {
            var (code, message) = envelope(result);
            // Only the success code is a success: 0 (or a string the converter could not read) is not.
            if (code != LenientInt32Converter.SuccessCode)
            {
                throw KonProErrorMapper.FromEnvelope(200, code, message, operation, Redactor);
            }
        }

        return result;
    }

    public void Dispose()
    {
        _ownedClient?.Dispose();
    }

    private void Fail(Activity? activity, KonProApiException exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.ErrorCode);
        activity?.SetTag("http.response.status_code", exception.Status);
        activity?.SetTag("konpro.error.code", exception.ErrorCode);
        Log.CallFailed(_logger, exception.Operation ?? "call", exception.Status, exception.ErrorCode, exception.RequestId);
    }
}
