using KonPro.Streaming.Conversation;

namespace KonPro.Streaming.Conversation.Tests;

public sealed class ConversationTurnTests
{
    [Fact]
    public void An_assistant_turn_prints_the_sentences_it_spoke_rather_than_the_list_type()
    {
        var turn = new AssistantTurn(["Hello there.", "The shop is upstairs."], Interrupted: true, Error: null,
            FirstTokenLatency: TimeSpan.FromMilliseconds(120), FirstSpeechLatency: null, At: DateTimeOffset.UnixEpoch);

        var printed = turn.ToString();

        printed.Should().StartWith("AssistantTurn { At = 1970-01-01T00:00:00.0000000+00:00, SpokenPieces = [\"Hello there.\", \"The shop is upstairs.\"], Interrupted = True");
        printed.Should().NotContain("System.Collections.Generic");
    }
}
