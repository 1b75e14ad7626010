using System.Collections.Specialized;
using WireMock.Server;

namespace KonPro.Streaming.Testing;

/// <summary>
/// Keeps WireMock's request log at <see cref="KonProFakeServerOptions.MaxRequestLogCount"/> entries, oldest dropped
/// first, in batches. WireMock's own bound sorts the whole log on every request (O(n log n) per call, the largest cost
/// of a fake call with the default 1,000 entries); this one trims once per tenth of the bound, so the log holds between
/// the bound and 1.1 times it.
/// </summary>
internal sealed class RequestLogBound
{
    private readonly WireMockServer _server;
    private readonly int _max;
    private readonly int _batch;
    private int _added;
    private int _trimming;

    private RequestLogBound(WireMockServer server, int max)
    {
        _server = server;
        _max = max;
        _batch = Math.Max(1, max / 10);
    }

    public static void Attach(WireMockServer server, int max)
    {
        var bound = new RequestLogBound(server, max);
        server.LogEntriesChanged += bound.OnChanged;
    }

    private void OnChanged(object? sender, NotifyCollectionChangedEventArgs e)
    {
        if (e.Action != NotifyCollectionChangedAction.Add || Interlocked.Increment(ref _added) % _batch != 0)
        {
            return;
        }

        if (Interlocked.Exchange(ref _trimming, 1) != 0)
        {
            return;
        }

        try
        {
            var entries = _server.LogEntries;
            var excess = entries.Count - _max;
            if (excess <= 0)
            {
                return;
            }

            foreach (var entry in entries.OrderBy(le => le.RequestMessage?.DateTime ?? DateTime.MinValue).Take(excess))
            {
                _server.DeleteLogEntry(entry.Guid);
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }
}
