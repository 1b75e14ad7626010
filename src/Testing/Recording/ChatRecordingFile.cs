using System.Text.Json;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>Appends the lines of one chat socket's recording, each flushed at once (a recording cut short keeps what it saw).</summary>
internal sealed class ChatRecordingFile : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;
    private readonly JsonSerializerOptions _json = ChatLine.CreateJsonOptions();

    public ChatRecordingFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { AutoFlush = true };
    }

    public void Write(ChatLine line)
    {
        var text = JsonSerializer.Serialize(line, _json);
        lock (_gate)
        {
            _writer.WriteLine(text);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    /// <summary>Reads a recording back, in order.</summary>
    public static IReadOnlyList<ChatLine> Read(string path)
    {
        var json = ChatLine.CreateJsonOptions();
        return [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<ChatLine>(l, json)!)];
    }
}
