using KonPro.Streaming.Api;

namespace KonPro.Streaming;

/// <summary>
/// The REST calls of one session: each is cancelled by the session's lifetime as well as by its caller (handed to the
/// REST client, so no call links a cancellation source), and the calls that name only the session (the keep-alive
/// family: keep-alive, listening, interrupt) share one <c>session_id</c> body. The session's commands and its speak
/// commands both call through it.
/// </summary>
internal sealed class SessionCalls
{
    private readonly KonProRestClient _rest;
    private readonly CancellationToken _lifetime;
    private SessionIdRequest? _sessionBody;

    public SessionCalls(KonProRestClient rest, CancellationToken lifetime)
    {
        _rest = rest;
        _lifetime = lifetime;
    }

    /// <summary>Runs one call of the session with its body (see <see cref="KonProRestClient.CallAsync{TState, T}"/>).</summary>
    public ValueTask<T> CallAsync<TBody, T>(
        string operation,
        string sessionId,
        TBody body,
        Func<IKonProApiClient, TBody, CancellationToken, Task<T>> call,
        Func<T, (int Code, string? Message)>? envelope,
        CancellationToken cancellationToken) =>
        _rest.CallAsync(operation, body, call, envelope, cancellationToken, sessionId, alsoCancelledBy: _lifetime);

    /// <summary>Runs one call whose body names only the session.</summary>
    // Not async: the REST client's pooled call is the only frame, and the session's lifetime cancels it without a linked source.
    public Task SessionCallAsync(
        string operation,
        string sessionId,
        Func<IKonProApiClient, SessionIdRequest, CancellationToken, Task<StatusResponse>> call,
        CancellationToken cancellationToken)
    {
        // The body names only the session: one per session, serialized again by every call of the keep-alive family.
        var body = _sessionBody;
        if (body is null || !string.Equals(body.SessionId, sessionId, StringComparison.Ordinal))
        {
            _sessionBody = body = new SessionIdRequest { SessionId = sessionId };
        }

        return _rest.CallAsync(operation, body, call, static r => (r.Code, r.Message), cancellationToken, sessionId, alsoCancelledBy: _lifetime).AsTask();
    }
}
