using System.Buffers.Binary;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>What one chunk of audio changed.</summary>
internal enum VoiceActivity
{
    None,
    Started,
    Stopped,
}

/// <summary>
/// An energy-based voice activity detector over 16-bit little-endian mono PCM. Time is counted in audio samples,
/// not on a clock, so the result does not depend on how fast chunks arrive. Silence (zeros) never counts as speech.
/// </summary>
internal sealed class VoiceActivityDetector(double threshold, TimeSpan endSilence)
{
    private long _speechSamples;
    private long _quietSamples;

    public bool InSpeech { get; private set; }

    /// <summary>The length of the utterance that the last <see cref="VoiceActivity.Stopped"/> ended.</summary>
    public TimeSpan LastUtterance { get; private set; }

    public VoiceActivity Process(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        var samples = pcm.Length / 2;
        if (samples == 0)
        {
            return VoiceActivity.None;
        }

        double sum = 0;
        for (var i = 0; i < samples; i++)
        {
            double sample = BinaryPrimitives.ReadInt16LittleEndian(pcm.Slice(i * 2, 2));
            sum += sample * sample;
        }

        var voiced = Math.Sqrt(sum / samples) >= threshold;
        var rate = sampleRate > 0 ? sampleRate : 16000;
        if (voiced)
        {
            _speechSamples += _quietSamples + samples;
            _quietSamples = 0;
            if (!InSpeech)
            {
                InSpeech = true;
                _speechSamples = samples;
                return VoiceActivity.Started;
            }

            return VoiceActivity.None;
        }

        if (!InSpeech)
        {
            return VoiceActivity.None;
        }

        _quietSamples += samples;
        if (_quietSamples < endSilence.TotalSeconds * rate)
        {
            return VoiceActivity.None;
        }

        InSpeech = false;
        LastUtterance = TimeSpan.FromSeconds((double)_speechSamples / rate);
        _speechSamples = 0;
        _quietSamples = 0;
        return VoiceActivity.Stopped;
    }
}
