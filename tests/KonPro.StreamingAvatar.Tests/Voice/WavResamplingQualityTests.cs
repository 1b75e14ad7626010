using System.Buffers.Binary;
using System.Globalization;
using KonPro.Streaming.Voice;
using Xunit.Abstractions;

namespace KonPro.Streaming.Tests.Voice;

/// <summary>Issue 9.8: resampling a WAV file to 16 kHz filters out what does not fit instead of aliasing it.</summary>
public sealed class WavResamplingQualityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_12_kHz_tone_at_48_kHz_is_at_least_30_dB_down_after_resampling_to_16_kHz()
    {
        var input = Tone(12_000, 48_000, seconds: 1, amplitude: 0.5);

        var resampled = await DecodeAsync(WavBuilder.Build(48_000, 1, 16, false, input.Select(s => new[] { s }).ToArray()));

        // Half a 16-bit step is the floor: a residue below it rounds to silence.
        const double Floor = 0.5 / 32768;
        var level = Decibels(Math.Max(Rms(Middle(resampled)), Floor) / Rms(input));
        var fourKilohertz = Decibels(Math.Max(Goertzel(Middle(resampled), 4_000, 16_000), Floor) / Goertzel(input, 12_000, 48_000));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alias level of a 12 kHz tone, 48 kHz -> 16 kHz: {level:F1} dB RMS, {fourKilohertz:F1} dB at 4 kHz (peak sample {Middle(resampled).Max(Math.Abs) * 32768:F0} LSB; {Floor * 32768} LSB is the floor)"));
        resampled.Length.Should().BeInRange(15_990, 16_010);
        level.Should().BeLessThanOrEqualTo(-30);
    }

    [Theory]
    [InlineData(48_000, 1_000)]
    [InlineData(44_100, 3_000)]
    [InlineData(8_000, 440)]
    [InlineData(22_050, 5_000)]
    public async Task A_tone_in_the_voice_band_keeps_its_level_its_pitch_and_its_timing(int rate, int frequency)
    {
        var input = Tone(frequency, rate, seconds: 1, amplitude: 0.5);

        var resampled = await DecodeAsync(WavBuilder.Build(rate, 1, 16, false, input.Select(s => new[] { s }).ToArray()));

        resampled.Length.Should().BeInRange(15_990, 16_010, "one second of input is one second of output");
        var gain = Decibels(Rms(Middle(resampled)) / Rms(input));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frequency} Hz at {rate} Hz -> 16 kHz: gain {gain:F2} dB, {resampled.Length} samples"));
        gain.Should().BeInRange(-0.5, 0.5);
        var middle = Middle(resampled);
        var offset = (resampled.Length - middle.Length) / 2;
        var expected = Enumerable.Range(offset, middle.Length).Select(k => 0.5 * Math.Sin(2 * Math.PI * frequency * k / 16_000)).ToArray();
        Rms(middle.Zip(expected, (a, b) => a - b).ToArray()).Should().BeLessThan(0.05 * Rms(expected), "the output is the same tone at the same time, not delayed");
    }

    [Theory]
    [InlineData(48_000, 0)]
    [InlineData(48_000, 1)]
    [InlineData(48_000, 30)]
    [InlineData(8_000, 5)]
    [InlineData(44_100, 12_289)]
    public async Task Short_and_odd_lengths_resample_to_the_matching_length(int rate, int frames)
    {
        var input = Tone(440, rate, seconds: (double)frames / rate, amplitude: 0.3);

        var resampled = await DecodeAsync(WavBuilder.Build(rate, 1, 16, false, input.Select(s => new[] { s }).ToArray()));

        var expected = (double)frames * 16_000 / rate;
        resampled.Length.Should().BeInRange((int)Math.Floor(expected) - 2, (int)Math.Ceiling(expected) + 2);
    }

    private static double[] Tone(int frequency, int rate, double seconds, double amplitude) =>
        Enumerable.Range(0, (int)(rate * seconds)).Select(i => amplitude * Math.Sin(2 * Math.PI * frequency * i / rate)).ToArray();

    // The steady part: the first and last 100 ms hold the filter's start and end.
    private static double[] Middle(double[] samples) => samples[1600..^1600];

    private static double Rms(double[] samples) => Math.Sqrt(samples.Sum(s => s * s) / samples.Length);

    private static double Decibels(double ratio) => 20 * Math.Log10(ratio);

    private static double Goertzel(double[] samples, double frequency, double rate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / rate);
        double previous = 0, beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        var power = (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
        return Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }

    private static async Task<double[]> DecodeAsync(byte[] wav)
    {
        await using var source = new WavFileAudioSource(new MemoryStream(wav));
        var samples = new List<double>();
        var buffer = new byte[4096];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i + 1 < read; i += 2)
            {
                samples.Add(BinaryPrimitives.ReadInt16LittleEndian(buffer.AsSpan(i)) / 32768.0);
            }
        }

        return [.. samples];
    }
}
