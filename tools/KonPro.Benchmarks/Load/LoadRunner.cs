using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using KonPro.Benchmarks.Quick;
using KonPro.Streaming;
using KonPro.Streaming.Admin;
using KonPro.Streaming.Events;

namespace KonPro.Benchmarks.Load;

/// <summary>
/// Benchmark 5: N concurrent sessions in this process, each with an open chat socket and a speaking avatar,
/// against the fake server running in a process of its own.
/// </summary>
internal static class LoadRunner
{
    private const string ApiKey = "load-run-key";
    private const double MemoryTargetKb = 100;

    public static async Task<IReadOnlyList<QuickLine>> RunAsync(int sessions, TextWriter progress)
    {
        // The fake's limits are set for the run: every session lives from the first start to the last stop, which at
        // 5,000 sessions outlasts the default 600 s limit at this time scale (120 s of real time); a day is never reached.
        await using var server = await FakeServerProcess.StartAsync(timeScale: 0.2, maxSessions: sessions + 10, ApiKey, sessionDurationLimit: TimeSpan.FromDays(1));
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        using var admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = ApiKey, BasePath = server.Url }, http);
        var errors = new ConcurrentBag<Exception>();
        var clients = new LoadSession[sessions];

        var memoryBefore = SettledMemory();
        var clock = Stopwatch.StartNew();
        await ForEachAsync(sessions, async i =>
        {
            var token = await admin.CreateTokenAsync();
            var session = new LoadSession(i, new StreamingAvatar(new StreamingAvatarApiConfig { Token = token, BasePath = server.Url }, http));
            clients[i] = session;
            await session.Avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        }, errors);
        var startSeconds = clock.Elapsed.TotalSeconds;
        var memoryWithSessions = SettledMemory();
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  load {sessions}: {sessions - errors.Count} sessions open in {startSeconds:0.0} s"));

        await ForEachAsync(sessions, i => clients[i]?.SpeakAsync() ?? Task.CompletedTask, errors);

        var latencies = clients.Where(c => c is not null).SelectMany(c => c.Latencies).ToList();
        var lost = clients.Sum(c => c?.Lost ?? 1);
        var duplicated = clients.Sum(c => c?.Duplicated ?? 0);
        await ForEachAsync(sessions, async i =>
        {
            if (clients[i] is { } client)
            {
                await client.Avatar.StopAvatarAsync();
                await client.Avatar.DisposeAsync();
                client.Dispose();
            }
        }, errors);

        // Grouped by kind, most frequent first: a run with thousands of errors prints what they were, not three of them.
        foreach (var group in errors.GroupBy(e => $"{e.GetType().Name}: {e.Message}").OrderByDescending(g => g.Count()).Take(5))
        {
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  error x{group.Count()}: {group.Key}"));
        }

        var perSessionKb = (memoryWithSessions - memoryBefore) / 1024.0 / sessions;
        return
        [
            new QuickLine($"load-{sessions}-memory", perSessionKb, "KB/session", MemoryTargetKb, "KB/session target"),
            new QuickLine($"load-{sessions}-speak-to-first-event-p99", Measure.Percentile(latencies, 99), "ms", Measure.Percentile(latencies, 50), "ms p50"),
            new QuickLine($"load-{sessions}-lost-or-duplicated-events", lost + duplicated, "events", 0, "events"),
            new QuickLine($"load-{sessions}-errors", errors.Count, "errors", 0, "errors"),
        ];
    }

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task ForEachAsync(int count, Func<int, Task> body, ConcurrentBag<Exception> errors)
    {
        using var gate = new SemaphoreSlim(Math.Max(4, Environment.ProcessorCount * 8));
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await body(i);
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

    /// <summary>One session of the load run: speaks one sentence and checks every event arrived exactly once.</summary>
    private sealed class LoadSession : IDisposable
    {
        private readonly IDisposable _subscription;
        private readonly ConcurrentQueue<StreamingEvent> _events = new();
        private readonly string _text;

        public LoadSession(int index, StreamingAvatar avatar)
        {
            Avatar = avatar;
            _text = string.Create(CultureInfo.InvariantCulture, $"Hello from session {index}, how are you today?");
            _subscription = avatar.Events.Subscribe(_events.Enqueue);
        }

        public StreamingAvatar Avatar { get; }

        public List<double> Latencies { get; } = [];

        public int Lost { get; private set; }

        public int Duplicated { get; private set; }

        public async Task SpeakAsync()
        {
            if (Avatar.CurrentState == SessionState.Closed)
            {
                // Closed before it could speak: say why, so the run's error lines explain it.
                throw new InvalidOperationException($"the session closed before it spoke: {LastDisconnect()}");
            }

            var started = Stopwatch.GetTimestamp();
            var handle = await Avatar.SpeakAsync(new SpeakRequest { Text = _text, TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
            try
            {
                await handle.Started.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException) when (handle.Completed.IsCompleted)
            {
                // The task ended without starting: say how, and how the session stood, so the run's error lines explain it.
                throw new InvalidOperationException($"a task ended {handle.Completed.Result.Outcome} without starting; session {Avatar.CurrentState}, disconnect {LastDisconnect()}");
            }

            Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await handle.Completed.WaitAsync(TimeSpan.FromSeconds(120));
            Check(handle.TaskId);
        }

        // The session's last stream_disconnected, as the error lines print it.
        private string LastDisconnect() => _events.OfType<StreamDisconnected>().LastOrDefault() is { } closed
            ? string.Create(CultureInfo.InvariantCulture, $"{closed.Reason} (close status {closed.CloseStatus?.ToString(CultureInfo.InvariantCulture) ?? "none"}, {closed.CloseDescription ?? "no description"})")
            : "none";

        private void Check(string taskId)
        {
            var mine = _events.Where(e => e.TaskId == taskId).ToList();
            int Count(string name) => mine.Count(e => e.Name == name);
            foreach (var name in new[] { StreamingEvents.AvatarStartTalking, StreamingEvents.AvatarEndMessage, StreamingEvents.AvatarStopTalking })
            {
                var count = Count(name);
                Lost += count == 0 ? 1 : 0;
                Duplicated += Math.Max(0, count - 1);
            }

            var spoken = string.Join(' ', mine.OfType<AvatarTalkingMessage>().Select(m => m.Message));
            if (!string.Equals(spoken.Replace(" ", string.Empty, StringComparison.Ordinal), _text.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal))
            {
                var chunks = mine.OfType<AvatarTalkingMessage>().Count();
                var distinct = mine.OfType<AvatarTalkingMessage>().Select(m => m.Message).Distinct().Count();
                Duplicated += chunks - distinct;
                Lost += spoken.Length < _text.Length ? 1 : 0;
            }
        }

        public void Dispose() => _subscription.Dispose();
    }
}
