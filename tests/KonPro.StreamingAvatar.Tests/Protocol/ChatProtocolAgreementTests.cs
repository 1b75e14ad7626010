using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// openapi/konpro-chat.asyncapi.yaml, the SDK and the fake server agree on the chat protocol: an event, an event
/// field or a close status that exists in one of the three and not in the others fails here. The SDK's side is read
/// from its code, the fake's from its event builders and, for close statuses, from what it sends over the wire.
/// </summary>
public sealed class ChatProtocolAgreementTests(FakeCloseStatusesFixture fake) : IClassFixture<FakeCloseStatusesFixture>
{
    private ProtocolSide Sdk => SdkProtocol.Read();

    private ProtocolSide Fake => FakeProtocol.Read(fake.FinalStatuses);

    [Fact]
    public void The_document_the_SDK_and_the_fake_agree_on_events_fields_and_close_statuses()
    {
        var problems = ProtocolAgreement.Check(ChatContract.Current, Sdk, Fake);

        problems.Should().BeEmpty();
    }

    [Fact]
    public void Every_way_a_session_ends_closes_the_socket_with_a_documented_final_status_and_reason()
    {
        var final = ChatContract.Current.CloseStatuses.Where(s => !s.Reconnect).ToDictionary(s => s.Code, s => s.Reason);

        fake.SessionEnds.Should().HaveCount(5);
        foreach (var (scenario, (status, reason)) in fake.SessionEnds)
        {
            status.Should().NotBeNull($"the fake closes the socket with a status on {scenario}");
            final.Should().ContainKey(status!.Value, $"{scenario} ends the session");
            reason.Should().Be(final[status.Value], $"the reason text of {scenario}");
        }

        fake.FinalStatuses.Keys.Should().BeEquivalentTo(final.Keys, "every documented final status has a way to happen on the fake");
    }

    [Fact]
    public void When_the_fake_server_goes_away_the_document_lets_clients_reconnect()
    {
        var reconnectable = ChatContract.Current.CloseStatuses.Where(s => s.Reconnect).Select(s => (int?)s.Code).Append(null);

        reconnectable.Should().Contain(fake.ServerShutdown.Status, "a server going away is not the end of the session");
    }

    [Fact]
    public void A_document_that_lost_an_event_is_reported_against_the_SDK_and_the_fake()
    {
        var document = ChatContract.LoadDocument();
        document["channels"]!["chat"]!["messages"]!.AsObject().Remove("userSilence");
        var sendEvents = document["operations"]!["sendEvents"]!["messages"]!.AsArray();
        sendEvents.Remove(sendEvents.Single(m => m!["$ref"]!.GetValue<string>().EndsWith("/userSilence", StringComparison.Ordinal)));

        var problems = ProtocolAgreement.Check(ChatContract.Read(document), Sdk, Fake);

        problems.Should().BeEquivalentTo(
            "event user_silence is in the SDK but not in the document",
            "event user_silence is in the fake but not in the document");
    }

    [Fact]
    public void A_document_with_a_field_nobody_knows_is_reported_against_the_SDK_and_the_fake()
    {
        var document = ChatContract.LoadDocument();
        document["components"]!["messages"]!["avatarStartTalking"]!["payload"]!["properties"]!["emotion"] = new JsonObject { ["type"] = "string" };

        var problems = ProtocolAgreement.Check(ChatContract.Read(document), Sdk, Fake);

        problems.Should().BeEquivalentTo(
            "field emotion of avatar_start_talking is in the document but not in the SDK",
            "field emotion of avatar_start_talking is in the document but not in the fake");
    }

    [Fact]
    public void A_document_that_lost_a_close_status_or_changed_its_reason_is_reported()
    {
        var document = ChatContract.LoadDocument();
        var statuses = document["channels"]!["chat"]!["x-close-statuses"]!.AsArray();
        statuses.Remove(statuses.Single(s => s!["code"]!.GetValue<int>() == 4002));
        statuses.Single(s => s!["code"]!.GetValue<int>() == 4404)!["reason"] = "no_such_session";

        var problems = ProtocolAgreement.Check(ChatContract.Read(document), Sdk, Fake);

        problems.Should().BeEquivalentTo(
            "close status 4002 is in the SDK but not in the document",
            "close status 4002 is in the fake but not in the document",
            "close status 4404: the document's reason is no_such_session, the fake sends session_not_found");
    }

    [Fact]
    public void An_SDK_or_a_fake_that_drifts_from_the_document_is_reported()
    {
        var sdk = Sdk;
        var sdkEvents = sdk.Events.Where(e => e.Key != "user_stop").ToDictionary();
        var fakeSide = Fake;
        var fakeEvents = fakeSide.Events.ToDictionary();
        fakeEvents["avatar_stop_talking"] = fakeEvents["avatar_stop_talking"].Append("duration").ToHashSet();
        var fakeStatuses = fakeSide.FinalCloseStatuses.ToDictionary();
        fakeStatuses[4003] = "session_expired";

        var problems = ProtocolAgreement.Check(
            ChatContract.Current,
            sdk with { Events = sdkEvents, MayReconnect = status => status != 1011 && sdk.MayReconnect!(status) },
            fakeSide with { Events = fakeEvents, FinalCloseStatuses = fakeStatuses });

        problems.Should().BeEquivalentTo(
            "event user_stop is in the document but not in the SDK",
            "close status 1011: the document says reconnect=True, the SDK decides otherwise",
            "field duration of avatar_stop_talking is in the fake but not in the document",
            "close status 4003 is in the fake but not in the document");
    }
}
