using System.Text;
using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>The SDK's parser reads every event of the chat protocol document, on the chat socket and on the room, with every documented field.</summary>
public sealed class SdkParserAgreementTests
{
    public static TheoryData<string, string> DocumentedEvents()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ChatContract.Current.SocketEvents.Keys)
        {
            data.Add("chat", name);
        }

        foreach (var name in ChatContract.Current.RoomEvents.Keys)
        {
            data.Add("room", name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedEvents))]
    public void The_parser_turns_a_documented_event_into_its_record_with_no_field_left_over(string channel, string name)
    {
        var (contract, nameProperty) = channel == "chat"
            ? (ChatContract.Current.SocketEvents[name], "event_type")
            : (ChatContract.Current.RoomEvents[name], "type");
        var message = SampleOf(contract, nameProperty);
        contract.Validate(message).Should().BeEmpty("the sample follows the document");

        var parsed = StreamingEventParser.TryParse(
            Encoding.UTF8.GetBytes(message.ToJsonString()), nameProperty, "s-1", DateTimeOffset.UnixEpoch, out var evt);

        parsed.Should().BeTrue();
        evt.Should().NotBeOfType<UnknownStreamingEvent>();
        evt!.Name.Should().Be(name);
        evt.ExtraFields.Keys.Should().BeEmpty("the SDK models every documented field of {0}", name);
    }

    /// <summary>A message with every documented field, with a value of the documented type.</summary>
    private static JsonObject SampleOf(EventContract contract, string nameProperty)
    {
        var message = new JsonObject { [nameProperty] = contract.Name };
        foreach (var (field, schema) in contract.Payload["properties"]!.AsObject())
        {
            if (field == nameProperty)
            {
                continue;
            }

            message[field] = schema!["type"]?.GetValue<string>() switch
            {
                "integer" => 3,
                "number" => 1.5,
                "boolean" => true,
                _ => "sample-" + field,
            };
        }

        return message;
    }
}
