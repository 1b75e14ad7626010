using KonPro.Streaming.Api.Frames;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime;

public sealed class FrameEncoderTests
{
    private static byte[] Chunk(byte seed)
    {
        var pcm = new byte[FrameEncoder.BytesPerChunk];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (byte)(seed + i);
        }

        return pcm;
    }

    [Fact]
    public void An_audio_frame_decodes_as_a_pipecat_AudioRawFrame()
    {
        var encoder = new FrameEncoder();
        var pcm = Chunk(7);

        var frame = Frame.Parser.ParseFrom(encoder.EncodeAudio(pcm).Span);

        frame.FrameCase.Should().Be(Frame.FrameOneofCase.Audio);
        frame.Audio.Id.Should().Be(1UL);
        frame.Audio.Name.Should().Be("AudioRawFrame");
        frame.Audio.Audio.ToByteArray().Should().Equal(pcm);
        frame.Audio.SampleRate.Should().Be(16_000U);
        frame.Audio.NumChannels.Should().Be(1U);
    }

    [Fact]
    public void Ids_count_up_per_encoder_and_match_the_generated_encoding()
    {
        var encoder = new FrameEncoder();
        for (ulong expectedId = 1; expectedId <= 300; expectedId++)
        {
            var pcm = Chunk((byte)expectedId);
            var bytes = encoder.EncodeAudio(pcm).ToArray();
            var reference = new Frame
            {
                Audio = new AudioRawFrame
                {
                    Id = expectedId,
                    Name = "AudioRawFrame",
                    Audio = Google.Protobuf.ByteString.CopyFrom(pcm),
                    SampleRate = 16_000,
                    NumChannels = 1,
                },
            };

            bytes.Should().Equal(Google.Protobuf.MessageExtensions.ToByteArray(reference));
        }
    }

    [Fact]
    public void Short_and_empty_audio_chunks_round_trip()
    {
        var encoder = new FrameEncoder();
        Frame.Parser.ParseFrom(encoder.EncodeAudio([1, 2, 3, 4]).Span).Audio.Audio.ToByteArray().Should().Equal(1, 2, 3, 4);
        Frame.Parser.ParseFrom(encoder.EncodeAudio([]).Span).Audio.Audio.Length.Should().Be(0);
    }

    [Fact]
    public void A_text_frame_decodes_as_a_pipecat_TextFrame()
    {
        var encoder = new FrameEncoder();
        encoder.EncodeAudio(Chunk(1));

        var frame = Frame.Parser.ParseFrom(encoder.EncodeText("Hello, avatar! ünïcode ✓").Span);

        frame.FrameCase.Should().Be(Frame.FrameOneofCase.Text);
        frame.Text.Id.Should().Be(2UL);
        frame.Text.Name.Should().Be("TextFrame");
        frame.Text.Text.Should().Be("Hello, avatar! ünïcode ✓");
    }

    [Fact]
    public void A_long_text_grows_the_buffer()
    {
        var encoder = new FrameEncoder();
        var text = new string('x', 5_000);
        Frame.Parser.ParseFrom(encoder.EncodeText(text).Span).Text.Text.Should().Be(text);
        Frame.Parser.ParseFrom(encoder.EncodeAudio(Chunk(3)).Span).Audio.Audio.ToByteArray().Should().Equal(Chunk(3));
    }

    [Fact]
    public void Encoding_audio_allocates_nothing_in_steady_state()
    {
        var encoder = new FrameEncoder();
        var pcm = Chunk(9);
        for (var i = 0; i < 100; i++)
        {
            encoder.EncodeAudio(pcm);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var i = 0; i < 1_000; i++)
        {
            total += encoder.EncodeAudio(pcm).Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        total.Should().BeGreaterThan(1_000 * FrameEncoder.BytesPerChunk);
    }
}
