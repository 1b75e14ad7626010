using System.Reflection;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.AsyncApi;

/// <summary>The shared constants of the Api package say what the chat protocol document says, no more and no less.</summary>
public sealed class ChatProtocolTests
{
    private static ChatContract Contract => ChatContract.Current;

    [Fact]
    public void Event_names_are_the_documents_chat_events()
    {
        var constants = ConstantsOf<string>(typeof(ChatEventNames));

        constants.Should().BeEquivalentTo(Contract.SocketEvents.Keys);
        ChatEventNames.All.Should().BeEquivalentTo(Contract.SocketEvents.Keys).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Event_fields_are_the_fields_of_the_documents_chat_events()
    {
        var constants = ConstantsOf<string>(typeof(ChatEventFields));

        constants.Should().BeEquivalentTo(Contract.SocketEvents.Values.SelectMany(e => e.Fields).Distinct());
    }

    [Fact]
    public void Close_statuses_and_reasons_are_the_documents_final_statuses()
    {
        var final = Contract.CloseStatuses.Where(s => !s.Reconnect).ToList();

        ConstantsOf<int>(typeof(ChatCloseStatus)).Should().BeEquivalentTo(final.Select(s => s.Code));
        ChatCloseStatus.Final.Should().BeEquivalentTo(final.Select(s => s.Code));
        ConstantsOf<string>(typeof(ChatCloseStatus)).Should().BeEquivalentTo(final.Select(s => s.Reason));
        foreach (var status in Contract.CloseStatuses)
        {
            ChatCloseStatus.ReasonOf(status.Code).Should().Be(status.Reason, $"status {status.Code}");
        }
    }

    [Fact]
    public void Address_query_parameters_and_name_properties_are_the_documents()
    {
        ChatProtocol.Path.Should().Be(Contract.Path);
        var parameters = new[]
        {
            ChatProtocol.SessionIdParameter, ChatProtocol.SessionTokenParameter, ChatProtocol.SilenceResponseParameter,
            ChatProtocol.PushToTalkParameter, ChatProtocol.ArchVersionParameter,
        };
        parameters.Should().BeEquivalentTo(Contract.QueryParameters.Keys);
        Contract.QueryParameters.Where(p => p.Value).Select(p => p.Key)
            .Should().BeEquivalentTo(ChatProtocol.SessionIdParameter, ChatProtocol.SessionTokenParameter);

        var archVersions = ChatContract.LoadDocument()["channels"]!["chat"]!["bindings"]!["ws"]!["query"]!["properties"]!
            [ChatProtocol.ArchVersionParameter]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());
        archVersions.Should().Equal(ChatProtocol.LiveKitArchVersion);

        Contract.SocketEvents.Values.Should().OnlyContain(e => e.Payload["properties"]![ChatProtocol.EventNameProperty] != null);
        Contract.RoomEvents.Values.Should().OnlyContain(e => e.Payload["properties"]![ChatProtocol.RoomEventNameProperty] != null);
    }

    [Fact]
    public void Room_messages_are_the_documents_text_messages()
    {
        var fixedTexts = Contract.RoomClientMessages.Values.Where(m => m.Text is not null).Select(m => m.Text);

        ConstantsOf<string>(typeof(RoomDataMessages)).Should().BeEquivalentTo(fixedTexts);
        foreach (var text in fixedTexts)
        {
            RoomDataMessages.PushToTalkOf(text!).Should().Be(text);
            RoomDataMessages.PushToTalkOf($" \"{text}\"\n").Should().Be(text, "receivers also read the text as a JSON string");
        }

        RoomDataMessages.PushToTalkOf("push_to_talk:pause").Should().BeNull("any other text is a typed user message");
    }

    [Fact]
    public void Audio_format_is_the_documents()
    {
        var audio = ChatContract.LoadDocument()["components"]!["messages"]!["audioFrame"]!["x-audio"]!;

        audio["sample_rate"]!.GetValue<int>().Should().Be(ChatProtocol.AudioSampleRate);
        audio["num_channels"]!.GetValue<int>().Should().Be(ChatProtocol.AudioChannels);
        audio["samples_per_chunk"]!.GetValue<int>().Should().Be(ChatProtocol.AudioSamplesPerChunk);
        audio["encoding"]!.GetValue<string>().Should().Be("pcm_s16le");
    }

    private static List<T> ConstantsOf<T>(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(T))
            .Select(f => (T)f.GetRawConstantValue()!)];
}
