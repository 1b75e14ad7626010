using System.Net.Http.Headers;
using System.Text;
using KonPro.Streaming;
using Wire = KonPro.Streaming.Api;

namespace KonPro.Benchmarks.Floor;

/// <summary>
/// A started SDK session on the <see cref="ConstantEndpoint"/>, the generated client alone, and raw POSTs of the same
/// pre-serialized bodies, all on one <see cref="HttpClient"/> with the same bearer token.
/// </summary>
internal sealed class FloorSession : IAsyncDisposable
{
    private const string Token = "floor-session-token";

    /// <summary>The SDK's default attempt timeout, which its first attempt arms.</summary>
    private static readonly TimeSpan AttemptTimeout = new KonProRetryOptions().AttemptTimeout;

    private readonly ConstantEndpoint _endpoint;
    private readonly Wire.SessionIdRequest _keepAliveBody = new() { SessionId = ConstantEndpoint.SessionId };
    private readonly Wire.TaskRequest _taskBody = new() { SessionId = ConstantEndpoint.SessionId, Text = "Hi.", TaskType = Wire.TaskType.Repeat, TaskMode = Wire.TaskMode.Async };
    private readonly SpeakRequest _speak = new() { Text = "Hi.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async };

    private FloorSession(ConstantEndpoint endpoint, HttpClient http, StreamingAvatar avatar, StreamingAvatar bare, Wire.KonProApiClient generated)
    {
        _endpoint = endpoint;
        Http = http;
        Avatar = avatar;
        AvatarWithoutResilience = bare;
        Generated = generated;
        RawKeepAlive = new RawPost(http, new Uri(endpoint.Url + "/v1/streaming/keep_alive"), $$"""{"session_id":"{{ConstantEndpoint.SessionId}}"}""");
        RawSpeak = new RawPost(http, new Uri(endpoint.Url + "/v1/streaming/task"), $$"""{"session_id":"{{ConstantEndpoint.SessionId}}","text":"Hi.","task_type":"repeat","task_mode":"async"}""");
    }

    public HttpClient Http { get; }

    /// <summary>The endpoint's base URL.</summary>
    public string Url => _endpoint.Url;

    public StreamingAvatar Avatar { get; }

    /// <summary>The same SDK with retries off and no timeouts: the Polly pipeline's share of the cost.</summary>
    public StreamingAvatar AvatarWithoutResilience { get; }

    public Wire.KonProApiClient Generated { get; }

    public RawPost RawKeepAlive { get; }

    public RawPost RawSpeak { get; }

    public static async Task<FloorSession> StartAsync()
    {
        var endpoint = await ConstantEndpoint.StartAsync();
        var http = new HttpClient();
        var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = Token, BasePath = endpoint.Url }, http);
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var noRetry = new KonProRetryOptions { Enabled = false, AttemptTimeout = Timeout.InfiniteTimeSpan, TotalTimeout = Timeout.InfiniteTimeSpan };
        var bare = new StreamingAvatar(new StreamingAvatarApiConfig { Token = Token, BasePath = endpoint.Url }, http, new StreamingAvatarOptions { Retry = noRetry });
        await bare.CreateStartAvatarAsync(new StartAvatarRequest());
        var bearer = new AuthenticationHeaderValue("Bearer", Token);
        var generated = new Wire.KonProApiClient(http) { BaseUrl = endpoint.Url, RequestPreparer = request => request.Headers.Authorization = bearer };
        return new FloorSession(endpoint, http, avatar, bare, generated);
    }

    public Task SdkKeepAliveAsync() => Avatar.KeepAliveAsync();

    // The call's own task (a Task<SpeakHandle> is a Task): an async wrapper here would charge the SDK's side with a state
    // machine and an await that the raw POST's side does not pay.
    public Task SdkSpeakAsync() => Avatar.SpeakAsync(_speak);

    public Task SdkKeepAliveWithoutResilienceAsync() => AvatarWithoutResilience.KeepAliveAsync();

    public Task SdkSpeakWithoutResilienceAsync() => AvatarWithoutResilience.SpeakAsync(_speak);

    public Task GeneratedKeepAliveAsync() => Generated.KeepAliveAsync(_keepAliveBody);

    public Task GeneratedSendTaskAsync() => Generated.SendTaskAsync(_taskBody);

    public async ValueTask DisposeAsync()
    {
        await Avatar.DisposeAsync();
        await AvatarWithoutResilience.DisposeAsync();
        Http.Dispose();
        await _endpoint.DisposeAsync();
    }

    /// <summary>The raw floor: a POST of a pre-serialized body with the bearer token, the answer read as bytes.</summary>
    internal sealed class RawPost(HttpClient http, Uri uri, string json)
    {
        private readonly byte[] _body = Encoding.UTF8.GetBytes(json);
        private readonly AuthenticationHeaderValue _authorization = new("Bearer", Token);
        private static readonly MediaTypeWithQualityHeaderValue Accept = new("application/json");
        private readonly MediaTypeHeaderValue _json = new("application/json");

        // The SDK's shape of a call's timeout: one source, re-armed per call and reused through TryReset.
        private CancellationTokenSource? _timeout;

        /// <summary>
        /// The same POST under a timeout token, armed as the SDK arms its first attempt's (a reused source,
        /// <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> per call, <see cref="CancellationTokenSource.TryReset"/> after).
        /// </summary>
        public async Task SendWithTimeoutTokenAsync()
        {
            var timeout = _timeout ?? new CancellationTokenSource();
            _timeout = null;
            timeout.CancelAfter(AttemptTimeout);
            try
            {
                using var content = new ByteArrayContent(_body);
                content.Headers.ContentType = _json;
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
                request.Headers.Authorization = _authorization;
                using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                _ = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                if (timeout.TryReset())
                {
                    _timeout = timeout;
                }
                else
                {
                    timeout.Dispose();
                }
            }
        }

        /// <summary>The same POST with what every generated call also does: an <c>Accept</c> header and <c>ResponseHeadersRead</c>.</summary>
        public async Task SendLikeGeneratedAsync()
        {
            using var content = new ByteArrayContent(_body);
            content.Headers.ContentType = _json;
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            request.Headers.Authorization = _authorization;
            request.Headers.Accept.Add(Accept);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }

        public async Task SendAsync()
        {
            using var content = new ByteArrayContent(_body);
            content.Headers.ContentType = _json;
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            request.Headers.Authorization = _authorization;
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }
    }
}
