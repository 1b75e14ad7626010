using System.Threading.Channels;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Voice;

public sealed class VoiceChatPumpTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed class Recorder(ManualScheduler? clock = null)
    {
        private readonly Channel<(TimeSpan At, byte[] Bytes)> _chunks = Channel.CreateUnbounded<(TimeSpan, byte[])>();

        public List<(TimeSpan At, byte[] Bytes)> All { get; } = [];

        public Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> Send => (chunk, _) =>
        {
            var at = clock is null ? TimeSpan.Zero : clock.Now - Start;
            _chunks.Writer.TryWrite((at, chunk.ToArray()));
            return ValueTask.CompletedTask;
        };

        public async Task<(TimeSpan At, byte[] Bytes)> NextAsync()
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Wait);
            var chunk = await _chunks.Reader.ReadAsync(cts.Token);
            All.Add(chunk);
            return chunk;
        }
    }

    private static byte[] Pattern(int bytes) => Enumerable.Range(0, bytes).Select(i => (byte)(1 + (i % 250))).ToArray();

    [Fact]
    public async Task A_file_source_is_paced_at_32_ms_per_chunk_in_virtual_time()
    {
        var clock = new ManualScheduler(Start);
        var recorder = new Recorder(clock);
        var audio = Pattern((4 * 1024) + 100);
        await using var source = new PcmStreamAudioSource(new MemoryStream(audio));
        await using var pump = new VoiceChatPump(source, recorder.Send, clock);

        await pump.StartAsync();
        for (var k = 0; k < 5; k++)
        {
            var (at, _) = await recorder.NextAsync();
            at.Should().Be(TimeSpan.FromMilliseconds(32 * k), "chunk {0} is due at {0} × 32 ms", k);
            if (k < 4)
            {
                // Advance only once the pump waits on the clock for the next chunk: advancing earlier races
                // its loop (the timer would be armed after the advance, 32 ms too late, and never fire).
                await clock.WaitForPendingAsync();
                clock.AdvanceBy(TimeSpan.FromMilliseconds(32));
            }
        }

        await pump.Completion.WaitAsync(TestTimeouts.Wait);
        recorder.All.SelectMany(c => c.Bytes).Take(audio.Length).Should().Equal(audio);
        recorder.All[^1].Bytes.Skip(100).Should().OnlyContain(b => b == 0, "the last chunk is padded with silence");
        recorder.All.Should().AllSatisfy(c => c.Bytes.Should().HaveCount(1024));
        pump.ChunksSent.Should().Be(5);
    }

    [Fact]
    public async Task A_real_time_source_is_not_paced()
    {
        var clock = new ManualScheduler(Start);
        var recorder = new Recorder(clock);
        await using var source = new PushAudioSource();
        await using var pump = new VoiceChatPump(source, recorder.Send, clock);
        source.Push(Pattern(3 * 1024));
        source.Complete();

        await pump.StartAsync();
        await pump.Completion.WaitAsync(TestTimeouts.Wait);

        for (var k = 0; k < 3; k++)
        {
            (await recorder.NextAsync()).At.Should().Be(TimeSpan.Zero);
        }

        clock.Pending.Should().Be(0, "no timer was needed");
    }

    [Fact]
    public async Task While_muted_it_sends_silence_and_discards_the_source()
    {
        var recorder = new Recorder();
        await using var source = new PushAudioSource();
        await using var pump = new VoiceChatPump(source, recorder.Send, new ManualScheduler(Start));
        await pump.StartAsync();

        source.Push(Enumerable.Repeat((byte)1, 1024).ToArray());
        (await recorder.NextAsync()).Bytes.Should().OnlyContain(b => b == 1);

        pump.Mute();
        pump.IsMuted.Should().BeTrue();
        source.Push(Enumerable.Repeat((byte)2, 1024).ToArray());
        source.Push(Enumerable.Repeat((byte)3, 1024).ToArray());
        (await recorder.NextAsync()).Bytes.Should().OnlyContain(b => b == 0);
        (await recorder.NextAsync()).Bytes.Should().OnlyContain(b => b == 0);

        pump.Unmute();
        source.Push(Enumerable.Repeat((byte)4, 1024).ToArray());
        (await recorder.NextAsync()).Bytes.Should().OnlyContain(b => b == 4, "muted audio was discarded, not delayed");
    }

    [Fact]
    public async Task A_muted_file_is_still_paced_and_consumed()
    {
        var clock = new ManualScheduler(Start);
        var recorder = new Recorder(clock);
        await using var source = new PcmStreamAudioSource(new MemoryStream(Pattern(2048)));
        await using var pump = new VoiceChatPump(source, recorder.Send, clock, startMuted: true);

        await pump.StartAsync();
        (await recorder.NextAsync()).Should().Match<(TimeSpan At, byte[] Bytes)>(c => c.At == TimeSpan.Zero && c.Bytes.All(b => b == 0));
        await clock.WaitForPendingAsync();
        clock.AdvanceBy(TimeSpan.FromMilliseconds(32));
        (await recorder.NextAsync()).Should().Match<(TimeSpan At, byte[] Bytes)>(c => c.At == TimeSpan.FromMilliseconds(32) && c.Bytes.All(b => b == 0));

        await pump.Completion.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task Stop_ends_a_pump_waiting_on_its_source_and_dispose_is_idempotent()
    {
        var recorder = new Recorder();
        await using var source = new PushAudioSource();
        var pump = new VoiceChatPump(source, recorder.Send, new ManualScheduler(Start));
        await pump.StartAsync();

        await pump.StopAsync().WaitAsync(TestTimeouts.Wait);

        pump.Completion.IsCompletedSuccessfully.Should().BeTrue();
        await pump.DisposeAsync();
        await pump.DisposeAsync();
        await pump.Invoking(p => p.StartAsync()).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Dispose_during_a_paced_wait_ends_the_pump()
    {
        var clock = new ManualScheduler(Start);
        var recorder = new Recorder(clock);
        await using var source = new PcmStreamAudioSource(new MemoryStream(Pattern(8192)));
        var pump = new VoiceChatPump(source, recorder.Send, clock);
        await pump.StartAsync();
        await recorder.NextAsync();
        await clock.WaitForPendingAsync(); // the pump now waits on the clock for the second chunk

        await pump.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Wait);

        pump.Completion.IsCompletedSuccessfully.Should().BeTrue();
        pump.ChunksSent.Should().Be(1);
    }

    [Fact]
    public async Task A_failed_send_faults_the_completion()
    {
        await using var source = new PcmStreamAudioSource(new MemoryStream(Pattern(1024)));
        await using var pump = new VoiceChatPump(source, (_, _) => ValueTask.FromException(new IOException("socket gone")), new ManualScheduler(Start));

        await pump.StartAsync();

        await pump.Invoking(p => p.Completion.WaitAsync(TestTimeouts.Wait)).Should().ThrowAsync<IOException>().WithMessage("socket gone");
    }

    [Fact]
    public async Task It_can_only_start_once()
    {
        await using var source = new PushAudioSource();
        await using var pump = new VoiceChatPump(source, (_, _) => ValueTask.CompletedTask, new ManualScheduler(Start));
        await pump.StartAsync();

        await pump.Invoking(p => p.StartAsync()).Should().ThrowAsync<InvalidOperationException>();
    }
}

public sealed class VoiceChatPumpWithWavTests
{
    [Fact]
    public async Task A_48k_stereo_wav_is_sent_as_paced_16k_mono_chunks_in_virtual_time()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new ManualScheduler(start);
        var frames = Enumerable.Range(0, 48_000 / 4).Select(i => new[] { Math.Sin(i / 30.0) * 0.5, Math.Sin(i / 30.0) * 0.5 }).ToArray(); // 250 ms
        await using var source = new WavFileAudioSource(new MemoryStream(WavBuilder.Build(48_000, 2, 16, false, frames)));
        var sent = System.Threading.Channels.Channel.CreateUnbounded<(TimeSpan At, int Length)>();
        await using var pump = new VoiceChatPump(source, (chunk, _) =>
        {
            sent.Writer.TryWrite((clock.Now - start, chunk.Length));
            return ValueTask.CompletedTask;
        }, clock);

        await pump.StartAsync();
        var times = new List<TimeSpan>();
        for (var k = 0; k < 8; k++)
        {
            using var cts = new CancellationTokenSource(TestTimeouts.Wait);
            var (at, length) = await sent.Reader.ReadAsync(cts.Token);
            length.Should().Be(1024);
            times.Add(at);
            if (k < 7)
            {
                await clock.WaitForPendingAsync(); // advancing before the pump armed its timer would race it
                clock.AdvanceBy(TimeSpan.FromMilliseconds(32));
            }
        }

        await pump.Completion.WaitAsync(TestTimeouts.Wait);
        times.Should().Equal(Enumerable.Range(0, 8).Select(k => TimeSpan.FromMilliseconds(32 * k)), "250 ms of audio is 4,000 samples: 8 chunks");
        pump.ChunksSent.Should().Be(8);
    }
}
