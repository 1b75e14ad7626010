using KonPro.Benchmarks.Micro;
using KonPro.Streaming;
using KonPro.Streaming.Events;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// Benchmark 2 on its own (<c>--event-pipeline [rounds]</c>): the raw reader pass, the parser alone and the whole
/// pipeline to 1 and to 10 subscribers, and the ingest step alone (events parsed beforehand) to 1, interleaved round by round (1 s slices each), so that a busy machine slows
/// the baseline and the SDK alike; each line is the median of the rounds. The messages are
/// <see cref="TextMix.Speech"/>; the allocation per event of the pipeline is also given for <see cref="TextMix.Unique"/>
/// (no text repeats) and <see cref="TextMix.Demo"/> (the earlier mix, every text repeated), each from one pass of its own.
/// The pipeline's lines are for tasks nobody here started (the parser's cache has the session's spoken ids, none of
/// them the events'); the <c>-spoken</c> lines register each round's avatar task id first, as a speak call registers
/// the id its REST answer gave, so that task's events reuse that string (the user's turn is never a spoken task).
/// </summary>
internal static class EventPipelineRun
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    public static IEnumerable<QuickLine> Run(int rounds)
    {
        var messages = EventMessages.Rounds(4096, TextMix.Speech);
        const int perOperation = 64;
        var batch = EventMessages.PerRound * perOperation;
        var next = 0;
        var cache = new StreamingEventParserCache();
        var clock = new ReceiveClock(TimeProvider.System);
        using var one = new Micro.EventPipelineBenchmarks.Pipeline(1);
        using var ten = new Micro.EventPipelineBenchmarks.Pipeline(10);
        long dispatched = 0;
        var raw = new List<(double PerSecond, double Bytes)>();
        var parse = new List<(double PerSecond, double Bytes)>();
        var sdk1 = new List<(double PerSecond, double Bytes)>();
        var sdk1Spoken = new List<(double PerSecond, double Bytes)>();
        using var spoken = new Micro.EventPipelineBenchmarks.Pipeline(1);
        var spokenIds = EventMessages.AvatarTaskIds(messages.Length);
        long dispatchedSpoken = 0;
        var sdk10 = new List<(double PerSecond, double Bytes)>();
        var ingestOnly = new List<(double PerSecond, double Bytes)>();
        using var parsed = new Micro.EventPipelineBenchmarks.Pipeline(1);
        var events = PreParsed(messages.Take(256));

        for (var round = 0; round < rounds; round++)
        {
            raw.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { QuickSuite.RawPass(messages[next++ % messages.Length]); } }, batch, Slice));
            parse.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { ParseOnly(messages[next++ % messages.Length], cache, clock); } }, batch, Slice));
            sdk1.Add(Measure.Throughput(
                () =>
                {
                    for (var i = 0; i < perOperation; i++)
                    {
                        one.Dispatch(messages[next++ % messages.Length]);
                        dispatched += EventMessages.PerRound;
                    }
                },
                batch,
                Slice));
            sdk1Spoken.Add(Measure.Throughput(
                () =>
                {
                    for (var i = 0; i < perOperation; i++)
                    {
                        var at = next++ % messages.Length;
                        spoken.Dispatch(messages[at], spokenIds[at]);
                        dispatchedSpoken += EventMessages.PerRound;
                    }
                },
                batch,
                Slice));
            sdk10.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { ten.Dispatch(messages[next++ % messages.Length]); } }, batch, Slice));
            ingestOnly.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { parsed.Ingest(events[next++ % events.Length]); } }, batch, Slice));
        }

        if (one.Seen != dispatched)
        {
            throw new InvalidOperationException($"The pipeline delivered {one.Seen} events; expected {dispatched}.");
        }

        if (spoken.Seen != dispatchedSpoken)
        {
            throw new InvalidOperationException($"The spoken pipeline delivered {spoken.Seen} events; expected {dispatchedSpoken}.");
        }

        var mixes = new List<QuickLine>();
        foreach (var mix in new[] { TextMix.Speech, TextMix.Unique, TextMix.Demo })
        {
            var mixRounds = EventMessages.Rounds(4096, mix);
            var (textBytes, distinct, total) = EventMessages.TextStatistics(mixRounds);
            using var pipeline = new Micro.EventPipelineBenchmarks.Pipeline(1);
            var name = mix.ToString().ToLowerInvariant();
            mixes.Add(new QuickLine($"event-pipeline-1-alloc-{name}", AllocationPerEvent(pipeline, mixRounds, spokenIds: null), "B/event", 0, "B/event"));
            using var spokenPipeline = new Micro.EventPipelineBenchmarks.Pipeline(1);
            mixes.Add(new QuickLine(
                $"event-pipeline-1-alloc-{name}-spoken", AllocationPerEvent(spokenPipeline, mixRounds, EventMessages.AvatarTaskIds(mixRounds.Length)), "B/event", 0, "B/event"));
            mixes.Add(new QuickLine($"event-text-{name}", distinct, $"distinct texts of {total:N0}", textBytes, "UTF-8 B a text on average", Informational: true));
        }

        var rawRate = Median(raw, r => r.PerSecond);
        var rawBytes = Median(raw, r => r.Bytes);
        yield return new QuickLine("event-parse", Median(parse, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-parse-alloc", Median(parse, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-pipeline-1", Median(sdk1, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-pipeline-1-alloc", Median(sdk1, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-pipeline-1-spoken", Median(sdk1Spoken, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-pipeline-1-spoken-alloc", Median(sdk1Spoken, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-pipeline-10", Median(sdk10, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-pipeline-10-alloc", Median(sdk10, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-ingest-1", Median(ingestOnly, r => r.PerSecond), "events/s", rawRate, "events/s");
        foreach (var line in mixes)
        {
            yield return line;
        }
    }

    // One pass over every round after a warm-up pass (new task ids on the second pass too: the rounds' ids come again,
    // as a long session's would not, which costs nothing more than new ones). With spokenIds, each round's avatar task id
    // is registered before its events, as a speak call's REST answer registers it (the strings made beforehand).
    private static double AllocationPerEvent(Micro.EventPipelineBenchmarks.Pipeline pipeline, byte[][][] rounds, string[]? spokenIds)
    {
        for (var i = 0; i < rounds.Length; i++)
        {
            pipeline.Dispatch(rounds[i], spokenIds?[i]);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < rounds.Length; i++)
        {
            pipeline.Dispatch(rounds[i], spokenIds?[i]);
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / (rounds.Length * EventMessages.PerRound);
    }

    // The mix's events, parsed once: what the ingest step and the hub take in, to time them without the parser.
    private static StreamingEvent[][] PreParsed(IEnumerable<byte[][]> rounds)
    {
        var cache = new StreamingEventParserCache();
        var clock = new ReceiveClock(TimeProvider.System);
        return rounds.Select(round => round.Select(message =>
            StreamingEventParser.Parse(message, StreamingEventParser.ChatSocketNameProperty, EventMessages.SessionId, clock.Now(), cache, out var evt, out _) == WireParseResult.Event
                ? evt! : throw new InvalidOperationException("The mix has a message the parser refuses.")).ToArray()).ToArray();
    }

    private static int ParseOnly(byte[][] messages, StreamingEventParserCache cache, ReceiveClock clock)
    {
        var parsed = 0;
        foreach (var message in messages)
        {
            // Stamped as the chat socket stamps a message: one monotonic clock read.
            if (StreamingEventParser.Parse(
                message, StreamingEventParser.ChatSocketNameProperty, EventMessages.SessionId, clock.Now(), cache, out _, out _) == WireParseResult.Event)
            {
                parsed++;
            }
        }

        return parsed;
    }

    private static double Median<T>(List<T> samples, Func<T, double> value) => Measure.Percentile(samples.Select(value).ToList(), 50);
}
