namespace KonPro.Streaming.Testing;

/// <summary>One REST call the fake server answered.</summary>
/// <param name="At">When the call arrived.</param>
/// <param name="OperationId">The OpenAPI operation id (see <see cref="KonProOperationIds"/>).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Route">The path the client used (KonPro's route or an older alias).</param>
/// <param name="Credential">Which credential the call carried.</param>
/// <param name="SessionId">The <c>session_id</c> of the body, when there was one.</param>
/// <param name="RequestBody">The request body as sent.</param>
/// <param name="Status">The HTTP status of the answer.</param>
/// <param name="ResponseBody">The answer's body.</param>
public sealed record RestCallRecord(
    DateTimeOffset At,
    string OperationId,
    string Method,
    string Route,
    CredentialKind Credential,
    string? SessionId,
    string? RequestBody,
    int Status,
    string ResponseBody)
{
    /// <summary>The call in one line, without bodies (an answer may carry a session token).</summary>
    /// <returns>For example <c>POST /v1/streaming/new (newSession, SessionToken) -> 200</c>.</returns>
    public override string ToString() => $"{Method} {Route} ({OperationId}, {Credential}) -> {Status}";
}
