using System.Runtime.CompilerServices;
using KonPro.Streaming.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Admin;

/// <summary>
/// The server-side calls that need the account's API key: session tokens for clients, the open sessions, the
/// session history, the avatars and the knowledge bases. Never use it where the key could leak (browsers, devices).
/// Thread-safe.
/// </summary>
public class KonProAdminClient : IDisposable
{
    private readonly KonProRestClient _rest = null!;
    private readonly KonProTelemetry _telemetry = null!;
    private int _disposed;

    /// <summary>Creates an admin client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="apiKey">The account's API key.</param>
    /// <param name="basePath">The API base URL (<see cref="StreamingAvatarApiConfig.DefaultBasePath"/> by default).</param>
    /// <exception cref="ArgumentException">The key is empty or the base URL is not an http(s) URL.</exception>
    public KonProAdminClient(string apiKey, string basePath = StreamingAvatarApiConfig.DefaultBasePath)
        : this(new StreamingAvatarApiConfig { ApiKey = apiKey, BasePath = basePath }, httpClient: null)
    {
    }

    /// <summary>Creates an admin client from an endpoint and the account's API key, the shape of .NET client libraries.</summary>
    /// <param name="endpoint">The base URL of the API, for example <c>https://api.konpro.ai</c>.</param>
    /// <param name="credential">The API key (<see cref="KonProCredential.FromApiKey"/>; a session token is refused).</param>
    /// <param name="options">Logging and metrics.</param>
    /// <param name="httpClient">The HTTP client (its default headers are never touched); a private one when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is null.</exception>
    /// <exception cref="ArgumentException">The credential is a session token, or the endpoint is not an absolute http(s) URL.</exception>
    public KonProAdminClient(Uri endpoint, KonProCredential credential, KonProAdminClientOptions? options = null, HttpClient? httpClient = null)
        : this(StreamingAvatarApiConfig.From(endpoint, credential), httpClient, options)
    {
    }

    /// <summary>Creates an admin client on a shared <see cref="HttpClient"/> (its default headers are never touched).</summary>
    /// <param name="config">The base URL and the API key (<see cref="StreamingAvatarApiConfig.ApiKey"/>; a session token is refused).</param>
    /// <param name="httpClient">The HTTP client; a private one when null.</param>
    /// <param name="options">Logging and metrics.</param>
    /// <exception cref="ArgumentException">The config has no API key or a bad base URL.</exception>
    public KonProAdminClient(StreamingAvatarApiConfig config, HttpClient? httpClient, KonProAdminClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var credential = config.GetCredential();
        if (!credential.IsApiKey)
        {
            throw new ArgumentException("The admin client needs the account's API key (StreamingAvatarApiConfig.ApiKey); a session token cannot call these endpoints.", nameof(config));
        }

        options ??= new KonProAdminClientOptions();
        var logger = options.LoggerFactory?.CreateLogger(KonProDiagnostics.AdminClientLogCategory) ?? NullLogger.Instance;
        _telemetry = new KonProTelemetry(options.MeterFactory);
        _rest = new KonProRestClient(httpClient, config.GetBaseUri(), credential, logger, _telemetry, options.TimeProvider ?? TimeProvider.System, new SecretRedactor(), options.Retry);
    }

    /// <summary>For mocking: a subclass overrides the members it uses.</summary>
    protected KonProAdminClient()
    {
    }

    /// <summary>Creates a short-lived, single-use session token (<c>create_token</c>) for a browser, device or worker.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token, for <see cref="StreamingAvatarApiConfig.Token"/>.</returns>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<string> CreateTokenAsync(CancellationToken cancellationToken = default)
    {
        var response = await Rest.CallAsync("CreateToken", (api, ct) => api.CreateTokenAsync(new CreateTokenRequest(), ct), envelope: null, cancellationToken).ConfigureAwait(false);
        if (response.Error is System.Text.Json.JsonElement { ValueKind: not System.Text.Json.JsonValueKind.Null } error)
        {
            // create_token reports failures in its own envelope: {"error": {...}, "data": null}, even with HTTP 200.
            var body = "{\"error\":" + error.GetRawText() + "}";
            throw KonProErrorMapper.Create(KonProErrorMapper.Parse(200, body, headers: null, "CreateToken", _rest.Redactor), innerException: null);
        }

        if (string.IsNullOrEmpty(response.Data?.Token))
        {
            throw new KonProApiException("KonPro CreateToken failed: the answer carried no token.");
        }

        _rest.Redactor.Add(response.Data.Token);
        return response.Data.Token;
    }

    /// <summary>Lists the account's open sessions.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open sessions.</returns>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<IReadOnlyList<ActiveSessionInfo>> ListActiveSessionsAsync(CancellationToken cancellationToken = default)
    {
        var response = await Rest.CallAsync("ListSessions", (api, ct) => api.ListSessionsAsync(ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
        return [.. (response.Data?.Sessions ?? []).Select(s => new ActiveSessionInfo(s.SessionId, WireName(s.Status), DateTimeOffset.FromUnixTimeSeconds(s.CreatedAt)))];
    }

    /// <summary>
    /// Enumerates the session history, newest first as the server orders it, following the server's pagination
    /// cursor (<c>next_pagination_token</c>) one page at a time as the enumeration proceeds.
    /// </summary>
    /// <param name="query">Filters and page size; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sessions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page size is not between 1 and 100 (nothing was sent).</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async IAsyncEnumerable<SessionHistoryEntry> ListSessionHistoryAsync(
        SessionHistoryQuery? query = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new SessionHistoryQuery();
        if (query.PageSize is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, "SessionHistoryQuery.PageSize must be between 1 and 100.");
        }

        string? cursor = null;
        var page = 1;
        while (true)
        {
            var token = cursor;
            var pageNumber = page;
            var response = await Rest.CallAsync(
                "ListSessionHistory",
                (api, ct) => api.ListSessionHistoryAsync(token is null ? pageNumber : null, query.PageSize, query.DateFrom, query.DateTo, status: null, token, ct),
                r => (r.Code, r.Message),
                cancellationToken).ConfigureAwait(false);
            var items = response.Data ?? [];
            foreach (var item in items)
            {
                yield return new SessionHistoryEntry(
                    item.SessionId,
                    WireName(item.Status),
                    DateTimeOffset.FromUnixTimeSeconds(item.CreatedAt),
                    item.Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                    item.AvatarId,
                    item.VoiceName,
                    item.ApiKeyType);
            }

            cursor = response.NextPaginationToken;
            if (string.IsNullOrEmpty(cursor) || items.Count == 0)
            {
                yield break;
            }

            page++;
        }
    }

    /// <summary>Lists the account's interactive avatars.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The avatars.</returns>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<IReadOnlyList<AvatarInfo>> ListAvatarsAsync(CancellationToken cancellationToken = default)
    {
        var response = await Rest.CallAsync("ListAvatars", (api, ct) => api.ListAvatarsAsync(ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
        return [.. (response.Data ?? []).Select(a => new AvatarInfo(
            a.AvatarId,
            a.PoseName,
            a.NormalPreview,
            a.DefaultVoice,
            a.IsPublic ?? false,
            a.Status == AvatarStatus.Active,
            a.CreatedAt is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null))];
    }

    /// <summary>Lists the account's knowledge bases.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The knowledge bases.</returns>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual async Task<IReadOnlyList<KnowledgeBaseInfo>> ListKnowledgeBasesAsync(CancellationToken cancellationToken = default)
    {
        var response = await Rest.CallAsync("ListKnowledgeBases", (api, ct) => api.ListKnowledgeBasesAsync(ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
        return [.. (response.Data?.KnowledgeBases ?? []).Select(k => new KnowledgeBaseInfo(
            k.Id,
            k.Name,
            k.Description,
            k.Opening,
            k.Prompt,
            k.CreatedAt is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            k.UpdatedAt is { } updated ? DateTimeOffset.FromUnixTimeSeconds(updated) : null,
            k.DocumentCount ?? 0))];
    }

    /// <summary>Creates a knowledge base.</summary>
    /// <param name="definition">Its name (not empty, unique per account), opening line and prompt.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new knowledge base's id.</returns>
    /// <exception cref="ArgumentException">The name is empty (nothing was sent).</exception>
    /// <exception cref="KonProApiException">The server refused (e.g. the name is taken).</exception>
    public virtual async Task<string> CreateKnowledgeBaseAsync(KnowledgeBaseDefinition definition, CancellationToken cancellationToken = default)
    {
        var body = ToWire(definition);
        var response = await Rest.CallAsync("CreateKnowledgeBase", (api, ct) => api.CreateKnowledgeBaseAsync(body, ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
        return response.Data.KnowledgeBaseId;
    }

    /// <summary>Replaces a knowledge base's name, opening line and prompt.</summary>
    /// <param name="knowledgeBaseId">The knowledge base's id.</param>
    /// <param name="definition">The new content.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the change.</returns>
    /// <exception cref="ArgumentException">The id or name is empty (nothing was sent).</exception>
    /// <exception cref="KonProNotFoundException">No such knowledge base.</exception>
    public virtual async Task UpdateKnowledgeBaseAsync(string knowledgeBaseId, KnowledgeBaseDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(knowledgeBaseId);
        var body = ToWire(definition);
        await Rest.CallAsync("UpdateKnowledgeBase", (api, ct) => api.UpdateKnowledgeBaseAsync(knowledgeBaseId, body, ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a knowledge base.</summary>
    /// <param name="knowledgeBaseId">The knowledge base's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server deleted it.</returns>
    /// <exception cref="ArgumentException">The id is empty (nothing was sent).</exception>
    /// <exception cref="KonProNotFoundException">No such knowledge base.</exception>
    public virtual async Task DeleteKnowledgeBaseAsync(string knowledgeBaseId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(knowledgeBaseId);
        await Rest.CallAsync("DeleteKnowledgeBase", (api, ct) => api.DeleteKnowledgeBaseAsync(knowledgeBaseId, ct), r => (r.Code, r.Message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the HTTP plumbing (a shared <see cref="HttpClient"/> given to the constructor is not disposed).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"KonProAdminClient {{ BasePath = {_rest?.BaseUri}, ApiKey = {SecretRedactor.Mask} }}";

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _rest?.Dispose();
            _telemetry?.Dispose();
        }
    }

    private KonProRestClient Rest
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _rest;
        }
    }

    private static KnowledgeBaseRequest ToWire(KnowledgeBaseDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            throw new ArgumentException("KnowledgeBaseDefinition.Name must not be empty.", nameof(definition));
        }

        return new KnowledgeBaseRequest { Name = definition.Name, Opening = definition.Opening, Prompt = definition.Prompt };
    }

    private static string WireName(SessionStatus status) => status switch
    {
        SessionStatus.New => "new",
        SessionStatus.Connecting => "connecting",
        SessionStatus.Connected => "connected",
        _ => "closed",
    };
}
