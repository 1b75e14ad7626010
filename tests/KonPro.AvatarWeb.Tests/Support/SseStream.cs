using System.Collections.Concurrent;
using System.Text.Json;

namespace KonPro.AvatarWeb.Tests.Support;

/// <summary>One Server-Sent Event as received.</summary>
internal sealed record SseEvent(string Type, string Id, JsonElement Data)
{
    public string? Text(string name) => Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public bool? Flag(string name) => Data.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}

/// <summary>Reads a <c>text/event-stream</c> response in the background, as an <c>EventSource</c> would.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    private SseStream(HttpResponseMessage response)
    {
        _response = response;
        _reader = Task.Run(ReadAsync);
    }

    public ConcurrentQueue<SseEvent> Events { get; } = new();

    public bool Ended { get; private set; }

    public string ContentType => _response.Content.Headers.ContentType?.MediaType ?? string.Empty;

    public static async Task<SseStream> OpenAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var stream = new SseStream(response);
        await stream.WaitForAsync(e => e.Type == "connected", "connected");
        return stream;
    }

    public async Task<SseEvent> WaitForAsync(Func<SseEvent, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + AvatarWebApp.Patience;
        while (true)
        {
            if (Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline || (Ended && !Events.Any(match)))
            {
                throw new TimeoutException($"No event {what}; got: {string.Join(", ", Events.Select(e => e.Type + " " + e.Data))}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Closes the stream, as a closed tab does.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        try
        {
            await _reader;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // Closed under the reader.
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
        using var reader = new StreamReader(body);
        string type = "message", id = string.Empty, data = string.Empty;
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    using var json = JsonDocument.Parse(data);
                    Events.Enqueue(new SseEvent(type, id, json.RootElement.Clone()));
                }

                (type, id, data) = ("message", string.Empty, string.Empty);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line[6..];
            }
        }

        Ended = true;
    }
}
