namespace KonPro.AvatarWeb.Tests.Browser;

/// <summary>The sound Chromium's fake microphone plays (<c>--use-file-for-fake-audio-capture</c>): a WAV the test writes.</summary>
internal static class FakeMicrophone
{
    /// <summary>Writes 48 kHz mono PCM16: <paramref name="quietBefore"/> of silence, <paramref name="voice"/> of a loud 300 Hz tone, then silence.</summary>
    public static string Write(string folder, TimeSpan quietBefore, TimeSpan voice, TimeSpan quietAfter)
    {
        const int rate = 48_000;
        var before = (int)(quietBefore.TotalSeconds * rate);
        var loud = (int)(voice.TotalSeconds * rate);
        var total = before + loud + (int)(quietAfter.TotalSeconds * rate);
        var path = Path.Combine(folder, "fake-microphone.wav");
        using var file = new BinaryWriter(File.Create(path));
        file.Write("RIFF"u8);
        file.Write(36 + (total * 2));
        file.Write("WAVEfmt "u8);
        file.Write(16);
        file.Write((short)1);
        file.Write((short)1);
        file.Write(rate);
        file.Write(rate * 2);
        file.Write((short)2);
        file.Write((short)16);
        file.Write("data"u8);
        file.Write(total * 2);
        for (var i = 0; i < total; i++)
        {
            var inVoice = i >= before && i < before + loud;
            file.Write(inVoice ? (short)(Math.Sin(2 * Math.PI * 300 * i / rate) * 16_000) : (short)0);
        }

        return path;
    }
}
