using System.Buffers.Binary;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Voice;

public sealed class AudioSourcesTests
{
    [Fact]
    public async Task PcmStreamAudioSource_reads_the_stream_and_owns_it_unless_told()
    {
        var stream = new MemoryStream([1, 2, 3, 4, 5]);
        var source = new PcmStreamAudioSource(stream, isRealTime: true);
        var buffer = new byte[8];

        (await source.ReadAsync(buffer)).Should().Be(5);
        (await source.ReadAsync(buffer)).Should().Be(0);
        source.IsRealTime.Should().BeTrue();
        await source.DisposeAsync();

        stream.CanRead.Should().BeFalse("the source disposed the stream");
        var kept = new MemoryStream([1]);
        await new PcmStreamAudioSource(kept, leaveOpen: true).DisposeAsync();
        kept.CanRead.Should().BeTrue();
    }

    [Fact]
    public async Task PushAudioSource_delivers_pushed_audio_in_order_then_ends_on_complete()
    {
        await using var source = new PushAudioSource();
        var pushed = new byte[] { 1, 2, 3 };
        source.Push(pushed);
        pushed[0] = 99; // the source copied it
        source.Push(new byte[] { 4, 5 });
        source.Complete();
        var buffer = new byte[2];

        var read = new List<byte>();
        int n;
        while ((n = await source.ReadAsync(buffer)) > 0)
        {
            read.AddRange(buffer[..n]);
        }

        read.Should().Equal(1, 2, 3, 4, 5);
        source.IsRealTime.Should().BeTrue();
        source.Push(new byte[] { 6 }).Should().BeFalse();
    }

    [Fact]
    public async Task PushAudioSource_reads_wait_for_audio()
    {
        await using var source = new PushAudioSource();
        var buffer = new byte[16];
        var pending = source.ReadAsync(buffer).AsTask();
        pending.IsCompleted.Should().BeFalse();

        source.Push(new byte[] { 7, 8 });

        (await pending.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(2);
        buffer[..2].Should().Equal(7, 8);
    }

    [Fact]
    public async Task PushAudioSource_drops_the_oldest_audio_when_the_reader_falls_behind()
    {
        await using var source = new PushAudioSource(maxBufferedChunks: 2);
        source.Push(new byte[] { 1 });
        source.Push(new byte[] { 2 });
        source.Push(new byte[] { 3 });
        source.Complete();
        var buffer = new byte[4];

        (await source.ReadAsync(buffer)).Should().Be(1);
        buffer[0].Should().Be(2);
        (await source.ReadAsync(buffer)).Should().Be(1);
        buffer[0].Should().Be(3);
        (await source.ReadAsync(buffer)).Should().Be(0);
    }

    [Fact]
    public void Tone_has_the_requested_length_pitch_and_amplitude()
    {
        var pcm = AudioClips.Tone(TimeSpan.FromSeconds(1), 1000, 0.5);

        pcm.Should().HaveCount(32000);
        var samples = Enumerable.Range(0, 16000).Select(i => BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 2))).ToArray();
        samples.Max().Should().BeInRange(16300, 16384);
        samples.Min().Should().BeInRange(-16384, -16300);
        samples[4].Should().BeInRange(16380, 16384, "a quarter period of 1 kHz at 16 kHz is 4 samples");
    }

    [Fact]
    public void SpeechLike_alternates_sound_and_pauses_reproducibly()
    {
        var clip = AudioClips.SpeechLike(TimeSpan.FromSeconds(2), seed: 3);

        clip.Should().HaveCount(64000).And.Equal(AudioClips.SpeechLike(TimeSpan.FromSeconds(2), seed: 3));
        var windows = Enumerable.Range(0, 2000 / 32).Select(w => Enumerable.Range(0, 512)
            .Max(i => Math.Abs((int)BinaryPrimitives.ReadInt16LittleEndian(clip.AsSpan(((w * 512) + i) * 2))))).ToArray();
        windows.Should().Contain(m => m > 3000, "there are syllables");
        windows.Should().Contain(m => m < 50, "there are pauses");
        AudioClips.Silence(TimeSpan.FromMilliseconds(32)).Should().HaveCount(1024).And.OnlyContain(b => b == 0);
    }

    [Fact]
    public void Clip_arguments_are_validated()
    {
        FluentActions.Invoking(() => AudioClips.Tone(TimeSpan.FromSeconds(1), 9000)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("frequencyHz");
        FluentActions.Invoking(() => AudioClips.Tone(TimeSpan.FromSeconds(-1))).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("duration");
        FluentActions.Invoking(() => AudioClips.SpeechLike(TimeSpan.FromSeconds(1), 2)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("amplitude");
    }
}
