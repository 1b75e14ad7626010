using System.Reflection;
using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.AsyncApi;

/// <summary>
/// openapi/konpro-realtime.asyncapi.yaml is a valid AsyncAPI 3.0 document, says what the design says about the realtime
/// audio socket, and the Api package's realtime constants say what it says, no more and no less.
/// </summary>
public sealed class RealtimeDocumentTests
{
    private static RealtimeContract Contract => RealtimeContract.Current;

    [Fact]
    public void The_document_is_valid_against_the_official_AsyncAPI_3_schema()
    {
        var errors = AsyncApiSchema.Validate(RealtimeContract.LoadDocument());

        errors.Should().BeEmpty();
    }

    public static TheoryData<string> Breakages => ["address parameter with a location that is no runtime expression", "operation action of AsyncAPI 2", "misspelt message field"];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_copy_of_the_document_fails_validation(string breakage)
    {
        var document = RealtimeContract.LoadDocument();
        switch (breakage)
        {
            case "address parameter with a location that is no runtime expression":
                document["channels"]!["realtime"]!["parameters"]!["secret"]!["location"] = "the path";
                break;
            case "operation action of AsyncAPI 2":
                document["operations"]!["sendEvents"]!["action"] = "subscribe";
                break;
            case "misspelt message field":
                var message = document["components"]!["messages"]!["agentSpeak"]!.AsObject();
                message["payloads"] = message["payload"]!.DeepClone();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        AsyncApiSchema.Validate(document).Should().NotBeEmpty($"the document with '{breakage}' is not valid AsyncAPI 3.0");
    }

    [Fact]
    public void The_socket_has_the_messages_of_the_design_each_named_after_its_type()
    {
        Contract.ClientMessages.Keys.Should().BeEquivalentTo(
            "agent.speak", "agent.speak_end", "agent.interrupt", "agent.start_listening", "agent.stop_listening", "session.keep_alive",
            "agent.audio_buffer_append", "agent.audio_buffer_commit", "agent.audio_buffer_clear");
        Contract.Aliases.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["agent.audio_buffer_append"] = "agent.speak",
            ["agent.audio_buffer_commit"] = "agent.speak_end",
            ["agent.audio_buffer_clear"] = "agent.interrupt",
        });
        Contract.ServerEvents.Keys.Should().BeEquivalentTo(
            "session.state_updated", "agent.state", "agent.speak_started", "agent.speak_ended", "agent.speak_interrupted", "error");
        Contract.ClientMessages["agent.speak"].Required.Should().BeEquivalentTo("audio");
        RealtimeContract.LeafFields(Contract.ServerEvents["error"]).Should().BeEquivalentTo("event_id", "error.code", "error.message", "error.event_id");
        foreach (var (_, node) in RealtimeContract.LoadDocument()["components"]!["messages"]!.AsObject())
        {
            node!["name"]!.GetValue<string>().Should().Be(node["payload"]!["properties"]!["type"]!["const"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Every_example_validates_against_its_payload_and_payloads_refuse_what_they_must()
    {
        var messages = Contract.ClientMessages.Values.Concat(Contract.ServerEvents.Values).ToList();
        messages.Should().OnlyContain(m => m.Examples.Count > 0, "every message has an example");
        foreach (var message in messages)
        {
            foreach (var example in message.Examples)
            {
                message.Validate(example).Should().BeEmpty($"the example of {message.Name} is valid: {example.ToJsonString()}");
            }
        }

        var state = Contract.ServerEvents["agent.state"];
        state.Validate(JsonNode.Parse("""{"type":"agent.state","event_id":"srv-1","state":"dancing"}""")!).Should().NotBeEmpty();
        var speak = Contract.ClientMessages["agent.speak"];
        speak.Validate(JsonNode.Parse("""{"type":"agent.speak","event_id":"u-1"}""")!).Should().NotBeEmpty("audio is required");
        speak.Validate(JsonNode.Parse("""{"type":"agent.speak","audio":"AAAA","extra":1}""")!).Should().BeEmpty("unknown fields pass through");
    }

    [Fact]
    public void Close_statuses_follow_the_design()
    {
        Contract.CloseStatuses.Where(s => !s.Reconnect).Select(s => (s.Code, s.Reason)).Should().BeEquivalentTo(
            [(1000, "session_stopped"), (4001, "idle_timeout"), (4002, "duration_limit"), (4401, "unauthorized")]);
        Contract.CloseStatuses.Where(s => s.Reconnect).Select(s => s.Code).Should().BeEquivalentTo([1001, 1011, 1012]);
        Contract.FinalRange.Should().Be((4000, 4999));
        foreach (var status in new[] { 1000, 1001, 1011, 1012, 3000, 4000, 4001, 4403, 4999, 5000 })
        {
            RealtimeProtocol.IsFinal(status).Should().Be(!Contract.MayReconnect(status), $"status {status}");
        }
    }

    [Fact]
    public void The_constants_are_the_documents_types_states_codes_fields_and_audio_format()
    {
        ConstantsOf(typeof(RealtimeMessageTypes)).Should().BeEquivalentTo(Contract.ClientMessages.Keys);
        RealtimeMessageTypes.All.Should().BeEquivalentTo(Contract.ClientMessages.Keys).And.OnlyHaveUniqueItems();
        ConstantsOf(typeof(RealtimeEventTypes)).Should().BeEquivalentTo(Contract.ServerEvents.Keys);
        RealtimeEventTypes.All.Should().BeEquivalentTo(Contract.ServerEvents.Keys).And.OnlyHaveUniqueItems();
        RealtimeStates.Session.Should().Equal(RealtimeContract.EnumOf(Contract.ServerEvents["session.state_updated"], "state"));
        RealtimeStates.Agent.Should().Equal(RealtimeContract.EnumOf(Contract.ServerEvents["agent.state"], "state"));
        ConstantsOf(typeof(RealtimeStates)).Should().BeEquivalentTo(RealtimeStates.Session.Concat(RealtimeStates.Agent));
        RealtimeErrorCodes.All.Should().Equal(RealtimeContract.EnumOf(Contract.ServerEvents["error"], "error.code"));
        ConstantsOf(typeof(RealtimeErrorCodes)).Should().BeEquivalentTo(RealtimeErrorCodes.All);

        RealtimeProtocol.PathPrefix.Should().Be(Contract.PathPrefix);
        var fields = Contract.ClientMessages.Values.Concat(Contract.ServerEvents.Values).SelectMany(RealtimeContract.LeafFields)
            .Select(f => f.Split('.')).SelectMany(f => f).Append(RealtimeProtocol.TypeProperty).ToHashSet(StringComparer.Ordinal);
        ConstantsOf(typeof(RealtimeProtocol)).Should().BeEquivalentTo(fields.Append(RealtimeProtocol.PathPrefix));
        RealtimeProtocol.AudioSampleRate.Should().Be(Contract.Audio["sample_rate"]!.GetValue<int>());
        RealtimeProtocol.AudioChannels.Should().Be(Contract.Audio["num_channels"]!.GetValue<int>());
        Contract.Audio["encoding"]!.GetValue<string>().Should().Be("pcm_s16le");
    }

    private static List<string> ConstantsOf(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];
}
