using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KonPro.Streaming;
using KonPro.Streaming.Events;

namespace KonPro.Benchmarks.Micro;

/// <summary>
/// Benchmark 2: chat-socket event messages decoded into typed records and dispatched to subscribers,
/// against one <see cref="Utf8JsonReader"/> pass over the same bytes. No socket.
/// </summary>
[MemoryDiagnoser]
public class EventPipelineBenchmarks
{
    private readonly byte[][][] _rounds = EventMessages.Rounds(4096);

    private Pipeline? _pipeline;
    private int _next;

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
    [Benchmark(Baseline = true, OperationsPerInvoke = EventMessages.PerRound)]
    public int RawReaderPass() => Quick.QuickSuite.RawPass(_rounds[_next++ % _rounds.Length]);

    /// <summary>Parse and dispatch every message of the mix (a new round of task ids each call).</summary>
    [Benchmark(OperationsPerInvoke = EventMessages.PerRound)]
    public long ParseAndDispatch() => _pipeline!.Dispatch(_rounds[_next++ % _rounds.Length]);

    /// <summary>
    /// The SDK's receive path without a socket: the chat socket's parse (with its per-connection cache, which looks a new
    /// task's id up among the session's spoken ones, as a session's socket does), then the ingest step every event goes
    /// through (dedupe, state, the <c>Events</c> hub that <c>StreamingAvatar.Events</c> exposes) to the subscribers.
    /// </summary>
    internal sealed class Pipeline : IDisposable
    {
        private readonly EventIngest _ingest = new(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        private readonly StreamingEventParserCache _cache;
        private readonly ReceiveClock _clock = new(TimeProvider.System);
        private readonly List<IDisposable> _subscriptions = [];
        private long _seen;

        public Pipeline(int subscribers)
        {
            _cache = new StreamingEventParserCache(_ingest.Speaks.Spoken);
            for (var i = 0; i < subscribers; i++)
            {
                _subscriptions.Add(_ingest.Events.AsObservable().Subscribe(_ => _seen++));
            }
        }

        public IObservable<StreamingEvent> Events => _ingest.Events.AsObservable();

        /// <summary>Events delivered so far, summed over subscribers.</summary>
        public long Seen => _seen;

        public long Dispatch(byte[][] messages) => Dispatch(messages, spokenTaskId: null);

        /// <summary>
        /// Parses and ingests a round; <paramref name="spokenTaskId"/>, when given, is first registered as a speak call
        /// registers the id its REST answer gave (the string made before, as the answer's deserializer made it).
        /// </summary>
        public long Dispatch(byte[][] messages, string? spokenTaskId)
        {
            if (spokenTaskId is not null)
            {
                _ingest.Speaks.Spoken.Add(spokenTaskId);
            }

            foreach (var message in messages)
            {
                // Stamped as the chat socket stamps a message: one monotonic clock read (ADR 0019).
                if (StreamingEventParser.Parse(
                    message, StreamingEventParser.ChatSocketNameProperty, EventMessages.SessionId, _clock.Now(), _cache, out var evt, out _) == WireParseResult.Event)
                {
                    _ingest.Ingest(evt!, EventChannel.ChatSocket);
                }
            }

            return _seen;
        }

        /// <summary>The ingest step alone: events parsed beforehand go to the subscribers.</summary>
        public long Ingest(StreamingEvent[] events)
        {
            foreach (var evt in events)
            {
                _ingest.Ingest(evt, EventChannel.ChatSocket);
            }

            return _seen;
        }

        public void Dispose()
        {
            _subscriptions.ForEach(s => s.Dispose());
            _ingest.Complete(EventMessages.SessionId, hadSession: false, DisconnectReason.ClientStop, closeStatus: null, description: null);
        }
    }
}
