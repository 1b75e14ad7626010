using KonPro.Benchmarks.Micro;
using KonPro.Streaming;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// Benchmark 2 on its own (<c>--event-pipeline [rounds]</c>): the raw reader pass, the parser alone and the whole
/// pipeline to 1 and to 10 subscribers, interleaved round by round (1 s slices each), so that a busy machine slows
/// the baseline and the SDK alike; each line is the median of the rounds.
/// </summary>
internal static class EventPipelineRun
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    public static IEnumerable<QuickLine> Run(int rounds)
    {
        var messages = EventMessages.Rounds(4096);
        const int perOperation = 64;
        var batch = EventMessages.PerRound * perOperation;
        var next = 0;
        var cache = new StreamingEventParserCache();
        using var one = new Micro.EventPipelineBenchmarks.Pipeline(1);
        using var ten = new Micro.EventPipelineBenchmarks.Pipeline(10);
        long dispatched = 0;
        var raw = new List<(double PerSecond, double Bytes)>();
        var parse = new List<(double PerSecond, double Bytes)>();
        var sdk1 = new List<(double PerSecond, double Bytes)>();
        var sdk10 = new List<(double PerSecond, double Bytes)>();

        for (var round = 0; round < rounds; round++)
        {
            raw.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { QuickSuite.RawPass(messages[next++ % messages.Length]); } }, batch, Slice));
            parse.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { ParseOnly(messages[next++ % messages.Length], cache); } }, batch, Slice));
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
            sdk10.Add(Measure.Throughput(
                () => { for (var i = 0; i < perOperation; i++) { ten.Dispatch(messages[next++ % messages.Length]); } }, batch, Slice));
        }

        if (one.Seen != dispatched)
        {
            throw new InvalidOperationException($"The pipeline delivered {one.Seen} events; expected {dispatched}.");
        }

        var rawRate = Median(raw, r => r.PerSecond);
        var rawBytes = Median(raw, r => r.Bytes);
        yield return new QuickLine("event-parse", Median(parse, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-parse-alloc", Median(parse, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-pipeline-1", Median(sdk1, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-pipeline-1-alloc", Median(sdk1, r => r.Bytes), "B/event", rawBytes, "B/event");
        yield return new QuickLine("event-pipeline-10", Median(sdk10, r => r.PerSecond), "events/s", rawRate, "events/s");
        yield return new QuickLine("event-pipeline-10-alloc", Median(sdk10, r => r.Bytes), "B/event", rawBytes, "B/event");
    }

    private static int ParseOnly(byte[][] messages, StreamingEventParserCache cache)
    {
        var parsed = 0;
        foreach (var message in messages)
        {
            if (StreamingEventParser.TryParse(
                message, StreamingEventParser.ChatSocketNameProperty, EventMessages.SessionId, DateTimeOffset.UtcNow, cache, out _))
            {
                parsed++;
            }
        }

        return parsed;
    }

    private static double Median<T>(List<T> samples, Func<T, double> value) => Measure.Percentile(samples.Select(value).ToList(), 50);
}
