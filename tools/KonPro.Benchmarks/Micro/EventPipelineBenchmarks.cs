using System.Reactive.Subjects;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KonPro.StreamingAvatar;

namespace KonPro.Benchmarks.Micro;

/// <summary>
/// Benchmark 2: chat-socket event messages decoded into typed records and dispatched to subscribers,
/// against one <see cref="Utf8JsonReader"/> pass over the same bytes. No socket.
/// </summary>
[MemoryDiagnoser]
public class EventPipelineBenchmarks
{
    private Pipeline? _pipeline;

    /// <summary>How many subscribers receive each event.</summary>
    [Params(1, 10)]
    public int Subscribers { get; set; }

    /// <summary>Builds the pipeline.</summary>
    [GlobalSetup]
    public void Setup() => _pipeline = new Pipeline(Subscribers);

    /// <summary>Disposes the pipeline.</summary>
    [GlobalCleanup]
    public void Cleanup() => _pipeline?.Dispose();

    /// <summary>The floor: one reader pass over every message of the mix.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 13)]
    public int RawReaderPass()
    {
        var tokens = 0;
        foreach (var message in EventMessages.Mix)
        {
            var reader = new Utf8JsonReader(message);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    /// <summary>Parse and dispatch every message of the mix.</summary>
    [Benchmark(OperationsPerInvoke = 13)]
    public long ParseAndDispatch() => _pipeline!.Dispatch(EventMessages.Mix);

    /// <summary>The SDK's receive path without a socket: parse, then publish on the event stream.</summary>
    internal sealed class Pipeline : IDisposable
    {
        private readonly Subject<StreamingEvent> _events = new();
        private readonly List<IDisposable> _subscriptions = [];
        private long _seen;

        public Pipeline(int subscribers)
        {
            for (var i = 0; i < subscribers; i++)
            {
                _subscriptions.Add(_events.Subscribe(_ => _seen++));
            }
        }

        public long Dispatch(byte[][] messages)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var message in messages)
            {
                if (StreamingEventParser.TryParse(message, StreamingEventParser.ChatSocketNameProperty, "s", now, out var evt))
                {
                    _events.OnNext(evt);
                }
            }

            return _seen;
        }

        public void Dispose()
        {
            _subscriptions.ForEach(s => s.Dispose());
            _events.Dispose();
        }
    }
}
