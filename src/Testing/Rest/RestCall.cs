using System.Text.Json;
using KonPro.Streaming.Testing.Sessions;
using WireMock;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>Who may call an operation.</summary>
internal enum Access
{
    ApiKeyOnly,
    ApiKeyOrSessionToken,
}

/// <summary>One authenticated REST call on its way to an endpoint.</summary>
internal sealed class RestCall(IRequestMessage request, RequestBody body, string operationId, CredentialKind credential, string? apiKey, TokenRecord? token)
{
    public IRequestMessage Request { get; } = request;

    public string OperationId { get; } = operationId;

    public CredentialKind Credential { get; } = credential;

    /// <summary>The account's API key: the one sent, or the one the session token was issued under.</summary>
    public string OwnerApiKey { get; } = apiKey ?? token?.ApiKey ?? string.Empty;

    public TokenRecord? Token { get; } = token;

    /// <summary>The JSON body; reading it throws the body's <c>VALIDATION_ERROR</c> when it is not a valid JSON object.</summary>
    public JsonElement Body => body.Value;

    public string? Query(string name)
    {
        var values = Request.Query is not null && Request.Query.TryGetValue(name, out var list) ? list : null;
        return values is { Count: > 0 } ? values[0] : null;
    }
}

/// <summary>An answer before it becomes a WireMock response.</summary>
internal sealed record RestAnswer(int Status, string Body, int? RetryAfterSeconds = null);
