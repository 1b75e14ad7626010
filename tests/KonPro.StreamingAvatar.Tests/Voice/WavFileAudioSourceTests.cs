using System.Buffers.Binary;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Tests.Voice;

public sealed class WavFileAudioSourceTests
{
    private static double[][] Mono(IEnumerable<double> samples) => samples.Select(s => new[] { s }).ToArray();

    private static async Task<short[]> ReadAll(WavFileAudioSource source, int readSize = 1024)
    {
        var bytes = new List<byte>();
        var buffer = new byte[readSize];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            bytes.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        bytes.Count.Should().BeGreaterThanOrEqualTo(0);
        var samples = new short[bytes.Count / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.ToArray().AsSpan(i * 2));
        }

        return samples;
    }

    private static async Task<short[]> Decode(byte[] wav, int readSize = 1024)
    {
        await using var source = new WavFileAudioSource(new MemoryStream(wav));
        return await ReadAll(source, readSize);
    }

    private static double[] Ramp(int count) => Enumerable.Range(0, count).Select(i => ((i % 2000) - 1000) / 1024.0).ToArray();

    [Fact]
    public async Task Pcm16_mono_16k_passes_through_byte_for_byte()
    {
        var samples = Ramp(5000);
        var wav = WavBuilder.Build(16000, 1, 16, false, Mono(samples));
        await using var source = new WavFileAudioSource(new MemoryStream(wav));

        var decoded = await ReadAll(source);

        source.IsRealTime.Should().BeFalse();
        source.SourceSampleRate.Should().Be(16000);
        source.Duration.Should().Be(TimeSpan.FromSeconds(5000 / 16000.0));
        decoded.Should().Equal(samples.Select(s => (short)Math.Round(s * 32768)));
    }

    [Fact]
    public async Task Stereo_is_mixed_down_to_the_average_of_the_channels()
    {
        var frames = Enumerable.Range(0, 3000).Select(i => new[] { 0.5, (i % 2 == 0) ? -0.25 : 0.25 }).ToArray();

        var decoded = await Decode(WavBuilder.Build(16000, 2, 16, false, frames));

        decoded.Should().HaveCount(3000);
        decoded.Where((_, i) => i % 2 == 0).Should().AllSatisfy(s => s.Should().Be(4096));   // (0.5 - 0.25) / 2
        decoded.Where((_, i) => i % 2 == 1).Should().AllSatisfy(s => s.Should().Be(12288));  // (0.5 + 0.25) / 2
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(24, false)]
    [InlineData(32, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    public async Task Other_sample_formats_convert_to_pcm16(int bits, bool isFloat)
    {
        var samples = new[] { 0.0, 0.5, -0.5, 0.25, -1.0, 0.9921875 };

        var decoded = await Decode(WavBuilder.Build(16000, 1, bits, isFloat, Mono(samples)));

        decoded.Should().Equal(0, 16384, -16384, 8192, -32768, 32512);
    }

    [Fact]
    public async Task Extensible_format_and_unknown_chunks_are_understood()
    {
        var samples = Ramp(1500);
        var plain = await Decode(WavBuilder.Build(16000, 1, 16, false, Mono(samples)));

        var decoded = await Decode(WavBuilder.Build(16000, 1, 16, false, Mono(samples), extensible: true, chunkBeforeData: true, chunkAfterData: true));

        decoded.Should().Equal(plain, "chunks around the data are skipped, never read as audio");
    }

    [Fact]
    public async Task A_streamed_file_of_unknown_length_reads_to_the_end()
    {
        var samples = Ramp(777);
        await using var source = new WavFileAudioSource(new MemoryStream(WavBuilder.Build(16000, 1, 16, false, Mono(samples), unknownLength: true)));

        (await ReadAll(source)).Should().HaveCount(777);
        source.Duration.Should().BeNull();
    }

    [Fact]
    public async Task Upsampling_8k_doubles_the_length_and_keeps_the_samples_between_the_edges()
    {
        var samples = Enumerable.Range(0, 9000).Select(i => 0.6 * Math.Sin(2 * Math.PI * 300 * i / 8000)).ToArray();

        var decoded = await Decode(WavBuilder.Build(8000, 1, 16, false, Mono(samples)));

        decoded.Length.Should().BeInRange(17990, 18010);
        for (var k = 800; k < 17200; k += 2)
        {
            ((double)decoded[k]).Should().BeApproximately(samples[k / 2] * 32768, 200, "sample {0} lies on an input sample", k);
        }
    }

    [Fact]
    public async Task Resampling_44100_keeps_the_length_and_the_pitch()
    {
        const double Frequency = 440;
        var samples = Enumerable.Range(0, 44100 * 2).Select(i => 0.5 * Math.Sin(2 * Math.PI * Frequency * i / 44100)).ToArray();
        var frames = samples.Select(s => new[] { s, s }).ToArray();

        var decoded = await Decode(WavBuilder.Build(44100, 2, 16, false, frames));

        decoded.Length.Should().BeInRange(31998, 32001);
        var crossings = 0;
        for (var i = 1; i < decoded.Length; i++)
        {
            if ((decoded[i - 1] < 0) != (decoded[i] < 0))
            {
                crossings++;
            }
        }

        crossings.Should().BeInRange(1756, 1764, "a 440 Hz tone crosses zero 880 times a second");
        // Between the filter's start and end (100 ms each), every sample is the tone at its time.
        for (var k = 1600; k < decoded.Length - 1600; k++)
        {
            ((double)decoded[k]).Should().BeApproximately(0.5 * 32768 * Math.Sin(2 * Math.PI * Frequency * k / 16000), 200);
        }
    }

    [Fact]
    public async Task Small_reads_give_the_same_audio_as_large_ones()
    {
        var frames = Enumerable.Range(0, 10000).Select(i => new[] { Math.Sin(i / 9.0) * 0.6 }).ToArray();
        var wav = WavBuilder.Build(22050, 1, 24, false, frames);

        (await Decode(wav, readSize: 6)).Should().Equal(await Decode(wav, readSize: 65536));
    }

    [Fact]
    public void Not_a_wave_file_is_rejected_clearly()
    {
        FluentActions.Invoking(() => new WavFileAudioSource(new MemoryStream("ID3 this is an mp3 file"u8.ToArray())))
            .Should().Throw<InvalidDataException>().WithMessage("*RIFF/WAVE*");
    }

    [Fact]
    public void Compressed_encodings_are_rejected_with_the_format_tag()
    {
        FluentActions.Invoking(() => new WavFileAudioSource(new MemoryStream(WavBuilder.WithFormat(2, 4))))
            .Should().Throw<InvalidDataException>().WithMessage("*format tag 0x0002*PCM*float*");
    }

    [Fact]
    public void Unsupported_bit_depths_are_rejected()
    {
        FluentActions.Invoking(() => new WavFileAudioSource(new MemoryStream(WavBuilder.WithFormat(1, 12))))
            .Should().Throw<InvalidDataException>().WithMessage("*12-bit PCM*");
        FluentActions.Invoking(() => new WavFileAudioSource(new MemoryStream(WavBuilder.WithFormat(3, 16))))
            .Should().Throw<InvalidDataException>().WithMessage("*16-bit float*");
    }

    [Fact]
    public void A_file_without_data_is_rejected()
    {
        var header = WavBuilder.WithFormat(1, 16)[..36];
        FluentActions.Invoking(() => new WavFileAudioSource(new MemoryStream(header)))
            .Should().Throw<InvalidDataException>().WithMessage("*no data chunk*");
    }

    [Fact]
    public async Task Open_reads_a_file_from_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"konpro-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(path, WavBuilder.Build(16000, 1, 16, false, Mono(Ramp(1024))));
        try
        {
            await using var source = WavFileAudioSource.Open(path);
            (await ReadAll(source)).Should().HaveCount(1024);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
