namespace KonPro.Streaming.Testing.Tests.Support;

/// <summary>16 kHz mono PCM16 little-endian chunks of 512 samples.</summary>
internal static class Pcm
{
    public const int ChunkSamples = 512;

    public static byte[] Tone(int amplitude = 8000, double frequency = 440)
    {
        var bytes = new byte[ChunkSamples * 2];
        for (var i = 0; i < ChunkSamples; i++)
        {
            var sample = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 16000));
            bytes[i * 2] = (byte)(sample & 0xff);
            bytes[(i * 2) + 1] = (byte)((sample >> 8) & 0xff);
        }

        return bytes;
    }

    public static byte[] Silence() => new byte[ChunkSamples * 2];

    /// <summary>An utterance: n chunks of tone then enough zeros (0.6 s) to end it.</summary>
    public static async Task SpeakAsync(ChatClient chat, int toneChunks)
    {
        for (var i = 0; i < toneChunks; i++)
        {
            await chat.SendAudioAsync(Tone());
        }

        for (var i = 0; i < 19; i++)
        {
            await chat.SendAudioAsync(Silence());
        }
    }
}
