using System.Text.Json.Nodes;
using KonPro.Streaming.Api.Frames;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.AsyncApi;

/// <summary>
/// openapi/konpro-chat.asyncapi.yaml is a valid AsyncAPI 3.0 document (checked against the official JSON Schema of
/// npm @asyncapi/specs) and says what the design says about the chat socket.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    [Fact]
    public void The_document_is_valid_against_the_official_AsyncAPI_3_schema()
    {
        File.Exists(AsyncApiSchema.SchemaPath).Should().BeTrue("the build installs @asyncapi/specs and copies its 3.0.0 schema beside the tests");

        var errors = AsyncApiSchema.Validate(ChatContract.LoadDocument());

        errors.Should().BeEmpty();
    }

    public static TheoryData<string> Breakages =>
    [
        "wrong AsyncAPI version",
        "no info",
        "operation action of AsyncAPI 2",
        "unknown WebSocket binding method",
        "misspelt message field",
        "operation without a channel",
        "query parameter with a non-schema type",
    ];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_copy_of_the_document_fails_validation(string breakage)
    {
        var document = ChatContract.LoadDocument();
        var message = document["components"]!["messages"]!["avatarStartTalking"]!.AsObject();
        switch (breakage)
        {
            case "wrong AsyncAPI version":
                document["asyncapi"] = "2.6.0";
                break;
            case "no info":
                document.Remove("info");
                break;
            case "operation action of AsyncAPI 2":
                document["operations"]!["sendEvents"]!["action"] = "publish";
                break;
            case "unknown WebSocket binding method":
                document["channels"]!["chat"]!["bindings"]!["ws"]!["method"] = "PUT";
                break;
            case "misspelt message field":
                message["payloads"] = message["payload"]!.DeepClone();
                break;
            case "operation without a channel":
                document["operations"]!["receiveFrames"]!.AsObject().Remove("channel");
                break;
            case "query parameter with a non-schema type":
                document["channels"]!["chat"]!["bindings"]!["ws"]!["query"]!["properties"]!["session_id"]!["type"] = "text";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        var errors = AsyncApiSchema.Validate(document);

        errors.Should().NotBeEmpty($"the document with '{breakage}' is not valid AsyncAPI 3.0");
    }

    [Fact]
    public void Each_chat_message_is_named_after_the_event_type_it_carries()
    {
        var document = ChatContract.LoadDocument();
        foreach (var (key, node) in document["components"]!["messages"]!.AsObject())
        {
            var message = node!.AsObject();
            if (message["x-protobuf-oneof-field"] is not null)
            {
                continue;
            }

            var payload = message["payload"]!;
            if (payload["type"]!.GetValue<string>() == "string")
            {
                // A text message on the room: its name is its text where the document fixes the text.
                if (payload["const"] is { } text)
                {
                    message["name"]!.GetValue<string>().Should().Be(text.GetValue<string>(), $"message {key} is named by its text");
                }

                continue;
            }

            var properties = payload["properties"]!;
            var name = (properties["event_type"] ?? properties["type"])!["const"]!.GetValue<string>();
            message["name"]!.GetValue<string>().Should().Be(name, $"message {key} names its event");
        }
    }

    [Fact]
    public void The_chat_socket_has_the_nine_server_events_of_the_design_with_their_fields()
    {
        var events = ChatContract.Current.SocketEvents;

        events.Keys.Should().BeEquivalentTo(
            "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking",
            "user_start", "user_stop", "user_talking_message", "user_end_message", "user_silence");
        events["avatar_talking_message"].Required.Should().BeEquivalentTo("task_id", "message");
        events["avatar_stop_talking"].Required.Should().BeEquivalentTo("task_id", "duration_ms");
        events["user_silence"].Required.Should().BeEquivalentTo("silence_times", "count_down");
        events["user_start"].Fields.Should().BeEquivalentTo("session_id");
        events.Values.Should().OnlyContain(e => e.Fields.Contains("session_id"), "every server event may name its session");
    }

    [Fact]
    public void Every_example_validates_against_its_payload_schema()
    {
        var events = ChatContract.Current.SocketEvents.Values;
        events.Should().OnlyContain(e => e.Examples.Count > 0, "every chat event has an example");

        foreach (var evt in events)
        {
            foreach (var example in evt.Examples)
            {
                evt.Validate(example).Should().BeEmpty($"the example of {evt.Name} is valid: {example.ToJsonString()}");
            }
        }
    }

    [Fact]
    public void Payload_schemas_reject_a_message_without_a_required_field_or_with_a_wrong_type()
    {
        var stop = ChatContract.Current.SocketEvents["avatar_stop_talking"];

        stop.Validate(JsonNode.Parse("""{"event_type":"avatar_stop_talking","task_id":"t-1"}""")!).Should().NotBeEmpty();
        stop.Validate(JsonNode.Parse("""{"event_type":"avatar_stop_talking","task_id":"t-1","duration_ms":"long"}""")!).Should().NotBeEmpty();
        stop.Validate(JsonNode.Parse("""{"event_type":"user_stop","task_id":"t-1","duration_ms":5}""")!).Should().NotBeEmpty();
        stop.Validate(JsonNode.Parse("""{"event_type":"avatar_stop_talking","task_id":"t-1","duration_ms":5,"extra":[1]}""")!)
            .Should().BeEmpty("unknown fields pass through");
    }

    [Fact]
    public void The_room_variant_carries_the_same_events_with_type_instead_of_event_type()
    {
        var contract = ChatContract.Current;

        contract.RoomEvents.Keys.Should().BeEquivalentTo(
            "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking",
            "user_talking_message", "user_end_message");
        foreach (var (name, room) in contract.RoomEvents)
        {
            room.Payload["properties"]!.AsObject().ContainsKey("event_type").Should().BeFalse();
            contract.SocketEvents[name].Fields.Should().Contain(room.Fields, $"{name} has no field on the room that it lacks on the socket");
        }
    }

    [Fact]
    public void Clients_publish_push_to_talk_and_typed_messages_on_the_room_as_text()
    {
        var messages = ChatContract.Current.RoomClientMessages;

        messages.Keys.Should().BeEquivalentTo("push_to_talk:start", "push_to_talk:stop", "user_message");
        messages["push_to_talk:start"].Text.Should().Be("push_to_talk:start");
        messages["push_to_talk:stop"].Text.Should().Be("push_to_talk:stop");
        messages["user_message"].Text.Should().BeNull("a typed message is any other text");
        messages["push_to_talk:start"].Validate("push_to_talk:start").Should().BeEmpty();
        messages["push_to_talk:start"].Validate("push_to_talk:stop").Should().NotBeEmpty();
        messages["user_message"].Validate(string.Empty).Should().NotBeEmpty("an empty message is no message");
        foreach (var message in messages.Values)
        {
            foreach (var example in ChatContract.LoadDocument()["components"]!["messages"]!.AsObject()
                         .Where(m => m.Value!["name"]!.GetValue<string>() == message.Name)
                         .SelectMany(m => m.Value!["examples"]!.AsArray()))
            {
                message.Validate(example!["payload"]!.GetValue<string>()).Should().BeEmpty($"the example of {message.Name} is valid");
            }
        }
    }

    [Fact]
    public void The_client_frames_are_the_cases_of_the_proto_Frame()
    {
        var document = ChatContract.LoadDocument();
        var protoCases = Frame.Descriptor.Oneofs.Single().Fields.Select(f => f.Name);

        ChatContract.Current.FrameCases.Should().BeEquivalentTo(protoCases);
        foreach (var (_, node) in document["components"]!["messages"]!.AsObject())
        {
            if (node!["x-protobuf-oneof-field"] is null)
            {
                continue;
            }

            node["x-protobuf-message"]!.GetValue<string>().Should().Be(Frame.Descriptor.FullName);
            var proto = node["payload"]!["schema"]!["$ref"]!.GetValue<string>();
            File.Exists(Path.Combine(Path.GetDirectoryName(ChatContract.DocumentPath)!, proto)).Should().BeTrue($"{proto} is beside the document");
        }
    }

    [Fact]
    public void Close_statuses_follow_the_design()
    {
        var statuses = ChatContract.Current.CloseStatuses;

        statuses.Select(s => s.Code).Should().OnlyHaveUniqueItems();
        statuses.Where(s => !s.Reconnect).Select(s => (s.Code, s.Reason)).Should().BeEquivalentTo(
        [
            (1000, "session_stopped"), (4001, "idle_timeout"), (4002, "duration_limit"),
            (4401, "unauthorized"), (4404, "session_not_found"),
        ]);
        statuses.Where(s => s.Reconnect).Select(s => s.Code).Should().BeEquivalentTo([1001, 1011, 1012]);
    }
}
