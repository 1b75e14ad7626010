using System.Diagnostics.Metrics;
using KonPro.Streaming.Events;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Conversation;

/// <summary>Settings of an <see cref="AvatarConversation"/>.</summary>
public sealed class AvatarConversationOptions
{
    /// <summary>The system prompt, the first message of every request (none when null or empty).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>
    /// Passed (cloned) to every <see cref="IChatClient.GetStreamingResponseAsync"/> call: model, temperature, tools
    /// (wrap the client in <c>FunctionInvokingChatClient</c> to have them called), and so on.
    /// </summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Whether the user speaking over the avatar cuts its answer short (default true).</summary>
    public bool BargeIn { get; set; } = true;

    /// <summary>Whether completed voice utterances (the session's user transcript) become user turns (default true).</summary>
    public bool ListenToVoice { get; set; } = true;

    /// <summary>The longest spoken piece, 1 to <see cref="SpeakRequest.MaxTextLength"/> (the default).</summary>
    public int MaxPieceLength { get; set; } = SpeakRequest.MaxTextLength;

    /// <summary>
    /// Speaks answers with your own voice instead of <c>repeat</c> tasks: each sentence is turned into PCM by your
    /// text-to-speech and streamed over the session's realtime audio socket. Null (the default) uses <c>repeat</c>.
    /// </summary>
    public RealtimeVoice? RealtimeVoice { get; set; }

    /// <summary>
    /// The clock of the latency figures (the system clock when null). The first speech is timed by the
    /// <see cref="AvatarStartTalking"/> event's <see cref="StreamingEvent.ReceivedAt"/>, which the avatar stamps with its
    /// own clock (<see cref="StreamingAvatarOptions.TimeProvider"/>) as the event arrives: give both the same clock.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where logs go (nowhere when null).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates the <c>KonPro.Streaming</c> meter of the latency figures (a private meter of that name when null).</summary>
    public IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        if (MaxPieceLength is < 1 or > SpeakRequest.MaxTextLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPieceLength), MaxPieceLength, $"{nameof(MaxPieceLength)} must be between 1 and {SpeakRequest.MaxTextLength}.");
        }
    }
}
