using KonPro.Streaming.Testing.Speech;

namespace KonPro.Streaming.Testing.Tests.Speech;

/// <summary>
/// The detector decides the same from PCM (the chat socket's audio) and from measured levels (what the room reports of a
/// published microphone), counting time in samples.
/// </summary>
public sealed class VoiceActivityDetectorTests
{
    [Fact]
    public void Levels_of_a_room_microphone_start_and_end_an_utterance_as_the_same_audio_would_as_pcm()
    {
        var fromLevels = new VoiceActivityDetector(threshold: 500, endSilence: TimeSpan.FromMilliseconds(500));
        var fromPcm = new VoiceActivityDetector(threshold: 500, endSilence: TimeSpan.FromMilliseconds(500));
        const int rate = 48_000;
        const int window = rate / 20; // 50 ms, as the room reports
        var loud = Pcm(window, amplitude: 12_000);
        var quiet = new byte[window * 2];
        var levels = new List<VoiceActivity>();
        var pcm = new List<VoiceActivity>();

        foreach (var chunk in Enumerable.Repeat(quiet, 4).Concat(Enumerable.Repeat(loud, 20)).Concat(Enumerable.Repeat(quiet, 12)))
        {
            var rms = chunk == loud ? 12_000 / Math.Sqrt(2) : 0;
            levels.Add(fromLevels.Process(rms, window, rate));
            pcm.Add(fromPcm.Process(chunk, rate));
        }

        levels.Should().Equal(pcm);
        levels.Where(a => a != VoiceActivity.None).Should().Equal(VoiceActivity.Started, VoiceActivity.Stopped);
        levels.IndexOf(VoiceActivity.Stopped).Should().Be(4 + 20 + 9, "0.5 s of quiet (ten 50 ms windows) ends it");
        fromLevels.LastUtterance.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void An_empty_window_changes_nothing() =>
        new VoiceActivityDetector(500, TimeSpan.FromMilliseconds(500)).Process(rms: 20_000, samples: 0, sampleRate: 48_000).Should().Be(VoiceActivity.None);

    private static byte[] Pcm(int samples, short amplitude)
    {
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 1000 * i / 48_000.0) * amplitude);
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }
}
