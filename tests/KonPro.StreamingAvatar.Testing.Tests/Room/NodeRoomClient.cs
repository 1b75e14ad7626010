using System.Diagnostics;
using System.Text.Json;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// An independent LiveKit client run as a child process from Room/client: LiveKit's own Node SDK (@livekit/rtc-node, on
/// the Rust core that LiveKit's other SDKs wrap; rtc-node-client.mjs) or the official JavaScript SDK (livekit-client on
/// @roamhq/wrtc; livekit-client.mjs). What it sees arrives as JSON lines.
/// </summary>
internal sealed class NodeRoomClient : IAsyncDisposable
{
    // Bounds each wait on the room (WebRTC between processes), never a speed: on a saturated machine the microphone's
    // first audio took longer than 30 s to reach the journal once in a flake hunt at a load of ~50 on 2 cores.
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly List<JsonElement> _messages = [];
    private readonly List<string> _stderr = [];
    private readonly Task _reader;

    private NodeRoomClient(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
        _ = Task.Run(async () =>
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Add(line);
                }
            }
        });
    }

    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "KonPro.StreamingAvatar.Testing.Tests", "Room", "client");

    public IReadOnlyList<JsonElement> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>The avatar's events received on the data channel (the payloads' <c>type</c>), in order.</summary>
    public IReadOnlyList<JsonElement> AvatarData =>
        [.. Messages.Where(m => Type(m) == "data" && m.GetProperty("participant").GetString() == "avatar")
            .Select(m => JsonDocument.Parse(m.GetProperty("payload").GetString()!).RootElement)];

    /// <summary>LiveKit's Rust core (signalling protocol 16, the token as a Bearer header).</summary>
    public static NodeRoomClient StartRtcNode(string url, string token) => Start("rtc-node-client.mjs", url, token);

    /// <summary>The current JavaScript SDK (signalling protocol 17 after falling back from /rtc/v1, the token as the access_token query).</summary>
    public static NodeRoomClient StartLivekitClient(string url, string token) => Start("livekit-client.mjs", url, token);

    private static NodeRoomClient Start(string script, string url, string token)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@livekit", "rtc-node")) || !Directory.Exists(Path.Combine(Folder, "node_modules", "livekit-client")))
        {
            throw new InvalidOperationException($"The room test client is not installed: run `npm install --no-save` in {Folder} (outside the namespace; .ci/run does).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(url);
        start.ArgumentList.Add(token);
        return new NodeRoomClient(Process.Start(start)!);
    }

    public static string? Type(JsonElement message) =>
        message.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the first message that matches (seen before or after the call).</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (true)
        {
            foreach (var message in Messages)
            {
                if (match(message))
                {
                    return message;
                }
            }

            if (DateTime.UtcNow > deadline || _reader.IsCompleted && !Messages.Any(match))
            {
                throw new TimeoutException($"The room client saw no {what}. It saw:{Environment.NewLine}{Transcript()}");
            }

            await Task.Delay(50);
        }
    }

    public Task<JsonElement> WaitForAsync(string type, TimeSpan? timeout = null) => WaitForAsync(m => Type(m) == type, type, timeout);

    /// <summary>The latest statistics line of a kind (<c>video_stats</c>, <c>audio_stats</c>).</summary>
    public JsonElement? Latest(string type) => Messages.LastOrDefault(m => Type(m) == type) is { ValueKind: JsonValueKind.Object } last ? last : null;

    public string Transcript()
    {
        var lines = Messages.Where(m => Type(m) is not ("video_stats" or "audio_stats")).Select(m => m.GetRawText());
        lock (_stderr)
        {
            return string.Join(Environment.NewLine, lines.Concat(_stderr.TakeLast(20)));
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonElement message;
            try
            {
                message = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                continue; // the SDK's own log lines
            }

            if (Type(message) is null)
            {
                continue;
            }

            lock (_messages)
            {
                _messages.Add(message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
