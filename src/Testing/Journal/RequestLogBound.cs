using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.Server;

namespace KonPro.Streaming.Testing;

/// <summary>
/// Keeps WireMock's request log at <see cref="KonProFakeServerOptions.MaxRequestLogCount"/> entries, oldest dropped
/// first, in batches: every tenth of the bound, a request trims the log to one below the bound before WireMock sees it,
/// so the log holds between the bound and 1.1 times it. It runs in a middleware in front of WireMock's rather than on
/// WireMock's <c>LogEntriesChanged</c> event, which WireMock raises through reflection (<c>DynamicInvoke</c>) inside
/// the log's lock on every change; with a subscriber, each request paid for the reflection call, the dynamic invoke
/// stubs it churns through (a busy finalizer thread) and the contention on that lock. WireMock's own bound sorts the
/// whole log on every request.
/// </summary>
internal sealed class RequestLogBound
{
    private readonly int _max;
    private readonly int _batch;
    private WireMockServer? _server;
    private int _requests;
    private int _trimming;

    public RequestLogBound(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        _max = max;
        _batch = Math.Max(1, max / 10);
    }

    /// <summary>Counts every request before WireMock's middleware (synchronously: no state machine per request).</summary>
    public void Install(IApplicationBuilder app) => app.Use(next => context =>
    {
        OnRequest();
        return next(context);
    });

    /// <summary>The server whose log is bounded, once it has started (requests before then are only counted).</summary>
    public void Attach(WireMockServer server) => Volatile.Write(ref _server, server);

    private void OnRequest()
    {
        if (Interlocked.Increment(ref _requests) % _batch != 0 || Volatile.Read(ref _server) is not { } server)
        {
            return;
        }

        if (Interlocked.Exchange(ref _trimming, 1) != 0)
        {
            return;
        }

        try
        {
            Trim(server);
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    // The log is in arrival order (WireMock appends), so the oldest entries are its first ones. One below the bound
    // leaves room for this request's own entry.
    private void Trim(WireMockServer server)
    {
        var entries = server.LogEntries;
        var excess = entries.Count - (_max - 1);
        for (var i = 0; i < excess; i++)
        {
            server.DeleteLogEntry(entries[i].Guid);
        }
    }
}
