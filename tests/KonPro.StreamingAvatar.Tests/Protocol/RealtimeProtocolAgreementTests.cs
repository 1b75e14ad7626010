using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// openapi/konpro-realtime.asyncapi.yaml, the SDK and the fake server agree on the realtime audio socket: a message
/// type or a field that exists in one of the three and not in the others fails here. The SDK's side is read from its
/// parser and from what it sends over a real socket; the fake's from what it sends and refuses over a real socket.
/// </summary>
public sealed class RealtimeProtocolAgreementTests(RealtimeWireFixture wire) : IClassFixture<RealtimeWireFixture>
{
    private static RealtimeContract Document => RealtimeContract.Current;

    private RealtimeSide Sdk => SdkRealtimeProtocol.Read(Document, wire.SdkSent);

    private RealtimeSide Fake => new(
        "the fake",
        wire.FakeAccepted.ToDictionary(t => t, _ => (IReadOnlySet<string>)new HashSet<string>(), StringComparer.Ordinal),
        SdkRealtimeProtocol.WritesOf(wire.FakeSent),
        []);

    [Fact]
    public void The_document_the_SDK_and_the_fake_agree_on_message_types_and_fields()
    {
        wire.SdkSent.Should().NotBeEmpty();
        wire.FakeSent.Should().NotBeEmpty();

        var problems = RealtimeAgreement.Check(Document, Sdk, Fake);

        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_message_on_the_wire_follows_its_payload_schema()
    {
        foreach (var (sent, documented, party) in new[]
                 {
                     (wire.SdkSent.ToList(), Document.ClientMessages, "the SDK"),
                     (wire.FakeSent.ToList(), Document.ServerEvents, "the fake"),
                 })
        {
            foreach (var text in sent)
            {
                var message = JsonNode.Parse(text)!;
                var type = message["type"]!.GetValue<string>();
                documented.Should().ContainKey(type, $"{party} sends only documented messages");
                documented[type].Validate(message).Should().BeEmpty($"{party}'s {Shorten(text)} follows the document");
            }
        }
    }

    [Fact]
    public void The_fake_closes_with_the_documented_final_statuses()
    {
        var final = Document.CloseStatuses.Where(s => !s.Reconnect).ToDictionary(s => s.Code, s => s.Reason);

        foreach (var (scenario, (status, reason)) in new[] { ("a stopped session", wire.SessionStopped), ("an unknown endpoint", wire.UnknownEndpoint) })
        {
            status.Should().NotBeNull($"the fake closes {scenario} with a status");
            final.Should().ContainKey(status!.Value, $"{scenario} ends the socket for good");
            reason.Should().Be(final[status.Value], $"the reason text of {scenario}");
            Document.MayReconnect(status.Value).Should().BeFalse();
        }
    }

    [Fact]
    public void A_document_that_lost_an_event_is_reported_against_the_SDK_and_the_fake()
    {
        var document = RealtimeContract.LoadDocument();
        document["channels"]!["realtime"]!["messages"]!.AsObject().Remove("agentSpeakInterrupted");
        var sent = document["operations"]!["sendEvents"]!["messages"]!.AsArray();
        sent.Remove(sent.Single(m => m!["$ref"]!.GetValue<string>().EndsWith("/agentSpeakInterrupted", StringComparison.Ordinal)));

        var problems = RealtimeAgreement.Check(RealtimeContract.Read(document), Sdk, Fake);

        problems.Should().BeEquivalentTo(
            "the SDK reads agent.speak_interrupted, which is not in the document",
            "the fake sends agent.speak_interrupted, which is not in the document");
    }

    [Fact]
    public void A_document_with_a_message_or_field_nobody_knows_is_reported()
    {
        var document = RealtimeContract.LoadDocument();
        var messages = document["components"]!["messages"]!.AsObject();
        messages["agentSpeakEnded"]!["payload"]!["properties"]!["emotion"] = new JsonObject { ["type"] = "string" };
        var dance = messages["agentInterrupt"]!.DeepClone().AsObject();
        dance["name"] = "agent.dance";
        dance["payload"]!["properties"]!["type"]!["const"] = "agent.dance";
        messages["agentDance"] = dance;
        document["channels"]!["realtime"]!["messages"]!["agentDance"] = new JsonObject { ["$ref"] = "#/components/messages/agentDance" };
        document["operations"]!["receiveMessages"]!["messages"]!.AsArray().Add(new JsonObject { ["$ref"] = "#/channels/realtime/messages/agentDance" });

        var problems = RealtimeAgreement.Check(RealtimeContract.Read(document), Sdk, Fake);

        problems.Should().BeEquivalentTo(
            "field emotion of agent.speak_ended is in the document but the SDK does not read it",
            "field emotion of agent.speak_ended is in the document but the fake never sends it",
            "agent.dance is in the document but the SDK never sends it",
            "agent.dance is in the document but the fake does not read it");
    }

    [Fact]
    public void An_SDK_or_a_fake_that_drifts_from_the_document_is_reported()
    {
        var sdk = Sdk;
        var sdkReads = sdk.Reads.Where(r => r.Key != "agent.state").ToDictionary();
        sdkReads["agent.speak_ended"] = new HashSet<string> { "event_id" };
        var sdkWrites = sdk.Writes.ToDictionary();
        sdkWrites["agent.speak"] = sdkWrites["agent.speak"].Append("sample_rate").ToHashSet();
        var fake = Fake;
        var fakeReads = fake.Reads.Where(r => r.Key != "agent.audio_buffer_clear").ToDictionary();
        var fakeWrites = fake.Writes.ToDictionary();
        fakeWrites["agent.speak_paused"] = new HashSet<string> { "event_id" };

        var problems = RealtimeAgreement.Check(
            Document,
            sdk with { Reads = sdkReads, Writes = sdkWrites, Unfed = ["the SDK's RealtimeSpeakEnded.Pitch"] },
            fake with { Reads = fakeReads, Writes = fakeWrites });

        problems.Should().BeEquivalentTo(
            "agent.state is in the document but the SDK does not read it",
            "field duration_ms of agent.speak_ended is in the document but the SDK does not read it",
            "field sample_rate of agent.speak is sent by the SDK but not in the document",
            "the SDK's RealtimeSpeakEnded.Pitch is read from no field of the document",
            "agent.audio_buffer_clear is in the document but the fake does not read it",
            "the fake sends agent.speak_paused, which is not in the document");
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
