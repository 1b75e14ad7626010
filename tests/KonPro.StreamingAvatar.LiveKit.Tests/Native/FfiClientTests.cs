using System.Runtime.InteropServices;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Proto;

namespace KonPro.Streaming.LiveKit.Tests.Native;

/// <summary>
/// The FFI client against the real native library, with requests that open no network connection (an audio source
/// and frames captured into it): loading, initialize, request/response, async_id correlation, handle accounting,
/// shutdown and a second server after it.
/// </summary>
[Collection(FfiCollection.Name)]
public sealed class FfiClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Loads_initializes_and_answers_a_request_with_an_owned_handle_that_is_dropped_once()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var before = FfiClient.LiveHandles;
        var client = await FfiClient.AcquireAsync();
        try
        {
            var response = client.Request(NewAudioSource());

            response.MessageCase.Should().Be(FfiResponse.MessageOneofCase.NewAudioSource);
            response.NewAudioSource.Source.Handle.Id.Should().NotBe(0UL);
            using (var source = client.Own(response.NewAudioSource.Source.Handle))
            {
                FfiClient.LiveHandles.Should().Be(before + 1);
                source.Dispose();
                source.IsClosed.Should().BeTrue();
            }

            FfiClient.LiveHandles.Should().Be(before);
        }
        finally
        {
            client.Release();
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task Correlates_each_asynchronous_result_with_its_request_by_async_id()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var client = await FfiClient.AcquireAsync();
        try
        {
            using var source = client.Own(client.Request(NewAudioSource()).NewAudioSource.Source.Handle);
            var samples = new short[480 * 5];
            var handle = GCHandle.Alloc(samples, GCHandleType.Pinned);
            try
            {
                var captures = Enumerable.Range(0, 5).Select(i => client.RequestAsync(
                    new FfiRequest
                    {
                        CaptureAudioFrame = new CaptureAudioFrameRequest
                        {
                            SourceHandle = source.Id,
                            Buffer = new AudioFrameBufferInfo
                            {
                                DataPtr = (ulong)(handle.AddrOfPinnedObject() + (i * 480 * sizeof(short))),
                                NumChannels = 1,
                                SampleRate = 48_000,
                                SamplesPerChannel = 480,
                            },
                        },
                    },
                    r => r.CaptureAudioFrame.AsyncId,
                    CancellationToken.None)).ToList();

                var results = await Task.WhenAll(captures).WaitAsync(Bound);

                results.Should().OnlyContain(e => e.MessageCase == FfiEvent.MessageOneofCase.CaptureAudioFrame);
                results.Select(e => e.CaptureAudioFrame.AsyncId).Should().OnlyHaveUniqueItems().And.HaveCount(5);
                results.Should().OnlyContain(e => !e.CaptureAudioFrame.HasError, "a source without a track accepts frames");
            }
            finally
            {
                handle.Free();
            }
        }
        finally
        {
            client.Release();
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task The_last_lease_disposes_the_server_and_a_later_lease_starts_a_new_one()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var first = await FfiClient.AcquireAsync();
        var second = await FfiClient.AcquireAsync();
        second.Should().BeSameAs(first, "one FFI server per process");

        first.Release();
        FfiClient.IsRunning.Should().BeTrue("a lease is still held");
        second.Release();
        second.Release(); // idempotent past the last lease
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        FfiClient.IsRunning.Should().BeFalse();

        var third = await FfiClient.AcquireAsync();
        try
        {
            third.Should().NotBeSameAs(first);
            using var source = third.Own(third.Request(NewAudioSource()).NewAudioSource.Source.Handle);
            source.IsInvalid.Should().BeFalse();
        }
        finally
        {
            third.Release();
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task An_invalid_request_is_a_typed_error_not_a_crash()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        var client = await FfiClient.AcquireAsync();
        try
        {
            var act = () => client.Request(new FfiRequest { CaptureAudioFrame = new CaptureAudioFrameRequest { SourceHandle = 987_654_321 } });

            act.Should().Throw<LiveKitNativeException>().WithMessage("*CaptureAudioFrame*");
        }
        finally
        {
            client.Release();
            await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task Servers_started_and_disposed_one_after_another_do_not_pile_up_native_threads()
    {
        await FfiCollection.WaitUntilStoppedAsync();
        // livekit_ffi_dispose stops the server's runtime; the native core keeps threads of its own for the rest of the
        // process (two tokio-rt-worker with livekit-ffi 0.12.43; since 0.12.45 also livekit-audio, the dedicated audio
        // runtime: three with 0.12.80), so the check is that cycles do not accumulate them.
        var afterFirst = await CycleAsync();
        var afterSecond = await CycleAsync();
        var afterThird = await CycleAsync();

        afterSecond.Should().BeLessThanOrEqualTo(afterFirst, "threads now: " + string.Join(", ", ThreadNames()));
        afterThird.Should().BeLessThanOrEqualTo(afterFirst);
        afterThird.Should().BeLessThanOrEqualTo(3, "at most the core's own three threads outlive the servers; threads now: " + string.Join(", ", ThreadNames()));
    }

    private static async Task<int> CycleAsync()
    {
        var client = await FfiClient.AcquireAsync();
        var running = NativeThreads();
        using (client.Own(client.Request(NewAudioSource()).NewAudioSource.Source.Handle))
        {
            running.Should().BeGreaterThan(0, "the FFI server runs its own threads");
        }

        client.Release();
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (NativeThreads() > 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return NativeThreads();
    }

    private static IEnumerable<string> ThreadNames() => Directory.GetDirectories("/proc/self/task")
        .Select(ThreadName).OfType<string>().Order();

    // A thread can end between listing /proc/self/task and reading its name: it is then simply not counted. Which
    // error that gives depends on the moment: the directory gone (DirectoryNotFound), its comm file gone (FileNotFound),
    // or the file opened and the thread gone before the read (ESRCH, "No such process": a plain IOException).
    private static string? ThreadName(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    // The process's threads that the runtime did not start (tokio workers and WebRTC threads carry their own names).
    private static int NativeThreads() => Directory.GetDirectories("/proc/self/task")
        .Select(ThreadName).OfType<string>()
        .Count(name => name.StartsWith("tokio", StringComparison.Ordinal) || name.StartsWith("livekit", StringComparison.Ordinal) || name.Contains("rtc", StringComparison.OrdinalIgnoreCase));

    internal static FfiRequest NewAudioSource() => new()
    {
        NewAudioSource = new NewAudioSourceRequest
        {
            Type = AudioSourceType.AudioSourceNative,
            SampleRate = 48_000,
            NumChannels = 1,
            QueueSizeMs = 1_000,
            Options = new AudioSourceOptions { EchoCancellation = false, NoiseSuppression = false, AutoGainControl = false },
        },
    };
}

/// <summary>Tests that start and stop the process's one FFI server, or count its handles, run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FfiCollection
{
    public const string Name = "LiveKit FFI";

    /// <summary>
    /// Waits (bounded) until no lease holds the process's FFI server, and shuts down a server left idle within its idle
    /// timeout: a room released by the previous test gives its lease back on the thread pool, a moment after that test
    /// ended. A lease that is never given back fails the wait.
    /// </summary>
    public static async Task WaitUntilStoppedAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (FfiClient.IsRunning)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The LiveKit FFI server is still held by a lease 30 s later: a room or client was not released.");
            }

            await FfiClient.ShutDownIfIdleAsync();
            await Task.Delay(50);
        }
    }
}
