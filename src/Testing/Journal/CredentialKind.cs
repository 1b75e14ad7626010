namespace KonPro.Streaming.Testing;

/// <summary>Which credential a REST call carried.</summary>
public enum CredentialKind
{
    /// <summary>No credential, or one the server did not accept.</summary>
    None,

    /// <summary>An API key in the <c>x-api-key</c> header.</summary>
    ApiKey,

    /// <summary>A session token in the <c>Authorization: Bearer</c> header.</summary>
    SessionToken,
}
