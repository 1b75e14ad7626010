using System.Net.Http.Headers;
using KonPro.Benchmarks.Quick;
using KonPro.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Wire = KonPro.Streaming.Api;

namespace KonPro.Benchmarks.Floor;

/// <summary>
/// Where the SDK's time at the floor goes: the generated keep_alive under each kind of token the SDK may hand it, and
/// the REST client's call (no facade) with and without its timeouts, interleaved beside the raw POST.
/// </summary>
internal static class FloorProbes
{
    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        await using var floor = await FloorSession.StartAsync();
        var bearer = new AuthenticationHeaderValue("Bearer", "floor-session-token");
        var generated = new Wire.KonProApiClient(floor.Http) { BaseUrl = floor.Url, RequestPreparer = request => request.Headers.Authorization = bearer };
        var body = new Wire.SessionIdRequest { Session_id = ConstantEndpoint.SessionId };
        using var lifetime = new CancellationTokenSource();
        using var unarmed = new CancellationTokenSource();
        var timeout = new CancellationTokenSource();
        var attempt = new KonProRetryOptions().AttemptTimeout;
        using var shipped = RestClient(floor, retry: null);
        using var untimed = RestClient(floor, new KonProRetryOptions { Enabled = false, AttemptTimeout = Timeout.InfiniteTimeSpan, TotalTimeout = Timeout.InfiniteTimeSpan });

        Task GeneratedWithTimeout()
        {
            return Run();

            async Task Run()
            {
                timeout.CancelAfter(attempt);
                try
                {
                    await generated.KeepAliveAsync(body, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    if (!timeout.TryReset())
                    {
                        timeout.Dispose();
                        timeout = new CancellationTokenSource();
                    }
                }
            }
        }

        (string, Func<Task>)[] clients =
        [
            ("raw-with-timeout-token", floor.RawKeepAlive.SendWithTimeoutTokenAsync),
            ("generated", () => generated.KeepAliveAsync(body)),
            ("generated-cancellable-token-unarmed", () => generated.KeepAliveAsync(body, unarmed.Token)),
            ("generated-timeout-token", GeneratedWithTimeout),
            ("rest-client-untimed-no-token", () => untimed.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default).AsTask()),
            ("rest-client-untimed-lifetime", () => untimed.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default, alsoCancelledBy: lifetime.Token).AsTask()),
            ("rest-client-shipped-lifetime", () => shipped.CallAsync("KeepAlive", body, static (api, b, ct) => api.KeepAliveAsync(b, ct), static r => (r.Code, r.Message), default, alsoCancelledBy: lifetime.Token).AsTask()),
            ("sdk", floor.SdkKeepAliveAsync),
        ];
        await RestFloor.CompareAsync("probe-keep-alive", floor.RawKeepAlive.SendAsync, clients);
        var lines = await RestFloor.CompareAsync("probe-keep-alive", floor.RawKeepAlive.SendAsync, clients);
        timeout.Dispose();
        return lines.ToList();
    }

    private static KonProRestClient RestClient(FloorSession floor, KonProRetryOptions? retry) => new(
        floor.Http,
        new Uri(floor.Url),
        KonProCredential.SessionToken("floor-session-token"),
        NullLogger.Instance,
        new KonProTelemetry(),
        TimeProvider.System,
        new SecretRedactor(),
        retry);
}
