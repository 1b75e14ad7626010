namespace KonPro.Streaming.Voice;

/// <summary>
/// Generated 16 kHz mono PCM16 clips, for trying voice chat without a microphone (demos, tests, load runs).
/// Wrap one in a <see cref="PcmStreamAudioSource"/> over a <see cref="MemoryStream"/> to send it.
/// </summary>
internal static class AudioClips
{
    /// <summary>The sample rate of the clips (and of voice chat), in Hz.</summary>
    public const int SampleRate = 16_000;

    /// <summary>A sine tone.</summary>
    /// <param name="duration">How long (0 to 10 minutes).</param>
    /// <param name="frequencyHz">The pitch, in Hz (more than 0, below 8,000).</param>
    /// <param name="amplitude">The loudness, from 0 (silence) to 1 (full scale).</param>
    /// <returns>The PCM16 bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static byte[] Tone(TimeSpan duration, double frequencyHz = 440, double amplitude = 0.5)
    {
        var samples = SampleCount(duration);
        if (double.IsNaN(frequencyHz) || frequencyHz <= 0 || frequencyHz >= SampleRate / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(frequencyHz), frequencyHz, "frequencyHz must be more than 0 and below 8,000.");
        }

        CheckAmplitude(amplitude);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            Pcm16.Write(pcm, i, amplitude * Math.Sin(2 * Math.PI * frequencyHz * i / SampleRate));
        }

        return pcm;
    }

    /// <summary>Silence.</summary>
    /// <param name="duration">How long (0 to 10 minutes).</param>
    /// <returns>The PCM16 bytes (zeros).</returns>
    public static byte[] Silence(TimeSpan duration) => new byte[SampleCount(duration) * 2];

    /// <summary>
    /// A speech-like clip: syllables of a few harmonics with a moving pitch and a rise-and-fall envelope, separated
    /// by short pauses, so that voice activity detection hears "speech" that starts and stops.
    /// </summary>
    /// <param name="duration">How long (0 to 10 minutes).</param>
    /// <param name="amplitude">The peak loudness, from 0 to 1.</param>
    /// <param name="seed">Varies the syllables; the same seed gives the same clip.</param>
    /// <returns>The PCM16 bytes.</returns>
    public static byte[] SpeechLike(TimeSpan duration, double amplitude = 0.4, int seed = 1)
    {
        var samples = SampleCount(duration);
        CheckAmplitude(amplitude);
        var random = new Random(seed);
        var pcm = new byte[samples * 2];
        var i = 0;
        while (i < samples)
        {
            var syllable = (int)(SampleRate * (0.12 + (random.NextDouble() * 0.18)));
            var pause = (int)(SampleRate * (0.04 + (random.NextDouble() * 0.12)));
            var pitch = 110 + (random.NextDouble() * 110);
            var glide = (random.NextDouble() - 0.5) * 60;
            var phase = 0.0;
            for (var n = 0; n < syllable && i < samples; n++, i++)
            {
                var progress = (double)n / syllable;
                var envelope = Math.Sin(Math.PI * progress);
                phase += 2 * Math.PI * (pitch + (glide * progress)) / SampleRate;
                var voice = (0.6 * Math.Sin(phase)) + (0.3 * Math.Sin(2 * phase)) + (0.1 * Math.Sin(3 * phase));
                Pcm16.Write(pcm, i, amplitude * envelope * voice);
            }

            i += pause; // silence (the array is zeroed)
        }

        return pcm;
    }

    private static int SampleCount(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero || duration > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "duration must be between 0 and 10 minutes.");
        }

        return (int)Math.Round(duration.TotalSeconds * SampleRate);
    }

    private static void CheckAmplitude(double amplitude)
    {
        if (double.IsNaN(amplitude) || amplitude is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "amplitude must be between 0 and 1.");
        }
    }
}
