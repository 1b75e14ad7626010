namespace KonPro.StreamingAvatar;

/// <summary>
/// Puts the client's credential on each request and forwards it through the caller's shared
/// <see cref="HttpClient"/>, so secrets never land on that client's <c>DefaultRequestHeaders</c>, which other
/// clients of the process share. The request is copied because an <see cref="HttpRequestMessage"/> may be sent
/// by one <see cref="HttpClient"/> only.
/// </summary>
internal sealed class CredentialForwardingHandler : HttpMessageHandler
{
    private readonly HttpClient _inner;
    private readonly Func<KonProCredential> _credential;

    public CredentialForwardingHandler(HttpClient inner, Func<KonProCredential> credential)
    {
        _inner = inner;
        _credential = credential;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        _credential().Apply(copy);
        return _inner.SendAsync(copy, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
