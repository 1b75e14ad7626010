using System.Runtime.InteropServices;
using KonPro.StreamingAvatar.LiveKit.Native;
using KonPro.StreamingAvatar.LiveKit.Proto;

namespace KonPro.StreamingAvatar.LiveKit.Tests.Native;

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
        var before = FfiClient.LiveHandles;
        var client = FfiClient.Acquire();
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
        var client = FfiClient.Acquire();
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
        var first = FfiClient.Acquire();
        var second = FfiClient.Acquire();
        second.Should().BeSameAs(first, "one FFI server per process");

        first.Release();
        FfiClient.IsRunning.Should().BeTrue("a lease is still held");
        second.Release();
        second.Release(); // idempotent past the last lease
        await FfiClient.WhenShutDownAsync().WaitAsync(Bound);
        FfiClient.IsRunning.Should().BeFalse();

        var third = FfiClient.Acquire();
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
        var client = FfiClient.Acquire();
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
}
