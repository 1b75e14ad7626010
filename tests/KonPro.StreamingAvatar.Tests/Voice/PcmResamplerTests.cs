using System.Buffers.Binary;
using System.Globalization;
using Xunit.Abstractions;

namespace KonPro.Streaming.Tests.Realtime.Audio;

/// <summary>
/// The realtime socket's resampler low-passes like the WAV reader's (one resampler): a tone the output rate cannot
/// carry is removed, not folded back as an alias; a tone it can carry keeps its level; the length matches.
/// </summary>
public sealed class PcmResamplerTests(ITestOutputHelper output)
{
    [Fact]
    public void A_15_kHz_tone_at_48_kHz_is_at_least_30_dB_down_after_resampling_to_24_kHz()
    {
        // 15 kHz is above 24 kHz's Nyquist frequency (12 kHz): without a low-pass it would come out as a 9 kHz alias.
        var input = Tone(15_000, 48_000, seconds: 1, amplitude: 0.5);

        var resampled = Resample(input, 48_000, 24_000, chunkSamples: 960);

        const double Floor = 0.5 / 32768; // half a 16-bit step: a residue below it rounds to silence
        var level = Decibels(Math.Max(Rms(Middle(resampled)), Floor) / Rms(input));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alias level of a 15 kHz tone, 48 kHz -> 24 kHz: {level:F1} dB"));
        resampled.Length.Should().BeInRange(23_990, 24_010);
        level.Should().BeLessThanOrEqualTo(-30);
    }

    [Theory]
    [InlineData(48_000, 1_000)]
    [InlineData(16_000, 3_000)]
    [InlineData(44_100, 5_000)]
    public void A_tone_in_the_voice_band_keeps_its_level_and_its_timing(int rate, int frequency)
    {
        var input = Tone(frequency, rate, seconds: 1, amplitude: 0.5);

        var resampled = Resample(input, rate, 24_000, chunkSamples: rate / 50);

        resampled.Length.Should().BeInRange(23_990, 24_010, "one second of input is one second of output");
        var middle = Middle(resampled);
        var offset = (resampled.Length - middle.Length) / 2;
        var expected = Enumerable.Range(offset, middle.Length).Select(k => 0.5 * Math.Sin(2 * Math.PI * frequency * k / 24_000)).ToArray();
        Decibels(Rms(middle) / Rms(input)).Should().BeInRange(-0.5, 0.5);
        Rms(middle.Zip(expected, (a, b) => a - b).ToArray()).Should().BeLessThan(0.05 * Rms(expected), "the same tone at the same time, not delayed");
    }

    [Fact]
    public void The_same_rate_passes_through_and_flush_gives_nothing_more()
    {
        var input = Pcm(Tone(440, 24_000, seconds: 0.1, amplitude: 0.3));
        var resampler = new PcmResampler(24_000, 24_000);

        resampler.Process(input).Should().Equal(input);
        resampler.Flush().Should().BeEmpty();
    }

    private static double[] Resample(double[] input, int from, int to, int chunkSamples)
    {
        var resampler = new PcmResampler(from, to);
        var chunks = Pcm(input).Chunk(chunkSamples * 2).Select(c => resampler.Process(c)).ToList();
        var bytes = chunks.Append(resampler.Flush()).SelectMany(c => c).ToArray();
        return Enumerable.Range(0, bytes.Length / 2).Select(i => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(i * 2)) / 32768.0).ToArray();
    }

    private static double[] Tone(int frequency, int rate, double seconds, double amplitude) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => amplitude * Math.Sin(2 * Math.PI * frequency * i / rate)).ToArray();

    private static byte[] Pcm(double[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), (short)Math.Round(samples[i] * 32767));
        }

        return bytes;
    }

    /// <summary>The samples away from the edges, where the filter's window meets the silence before and after.</summary>
    private static double[] Middle(double[] samples) => samples[(samples.Length / 10)..(samples.Length * 9 / 10)];

    private static double Rms(double[] samples) => Math.Sqrt(samples.Sum(s => s * s) / samples.Length);

    private static double Decibels(double ratio) => 20 * Math.Log10(ratio);
}
