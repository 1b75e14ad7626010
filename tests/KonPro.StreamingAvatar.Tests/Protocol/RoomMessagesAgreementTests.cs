using System.Reflection;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// The text messages a client publishes on the room's data channel (push-to-talk and typed user messages) are what
/// openapi/konpro-chat.asyncapi.yaml says: the SDK publishes only documented texts, and the fake reads each documented
/// push-to-talk text (and its JSON-quoted form) as push-to-talk and anything else as a typed message.
/// </summary>
public sealed class RoomMessagesAgreementTests
{
    private static IReadOnlyDictionary<string, TextMessageContract> Documented => ChatContract.Current.RoomClientMessages;

    [Fact]
    public async Task The_SDK_publishes_push_to_talk_and_typed_messages_as_the_document_names_them()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new InMemoryRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { EnablePushToTalk = true, VoiceChatTransport = VoiceChatTransport.LiveKit });

        await avatar.PushToTalkStartAsync();
        await avatar.PushToTalkStopAsync();
        await avatar.SendMessageAsync("What is your name?");

        var published = connector.Room.Published.ToList();
        published.Should().HaveCount(3);
        MessageOf(published[0]).Should().Be("push_to_talk:start");
        MessageOf(published[1]).Should().Be("push_to_talk:stop");
        MessageOf(published[2]).Should().Be("user_message");
    }

    [Fact]
    public void The_fake_reads_every_documented_push_to_talk_text_and_takes_any_other_text_for_a_typed_message()
    {
        var read = FakeReader();
        var fixedTexts = Documented.Values.Where(m => m.Text is not null).ToList();
        fixedTexts.Should().NotBeEmpty();

        foreach (var message in fixedTexts)
        {
            var kind = read(message.Text!);
            kind.Should().NotBeNull($"the fake reads {message.Text} as push-to-talk");
            kind!.ToString().Should().Be(PascalCase(message.Name), "each push-to-talk text has its own journal kind");
            read($"\"{message.Text}\"").Should().Be(kind, "the reference publishes it as a JSON string");
        }

        foreach (var example in new[] { "What is your name?", "push_to_talk", "push_to_talk:start now" })
        {
            MessageOf(example).Should().Be("user_message");
            read(example).Should().BeNull($"the fake takes '{example}' for a typed message");
        }
    }

    [Fact]
    public void A_text_the_document_does_not_fix_is_a_typed_message_and_a_changed_document_is_noticed()
    {
        var document = ChatContract.LoadDocument();
        document["components"]!["messages"]!["pushToTalkStart"]!["payload"]!["const"] = "ptt:start";
        document["components"]!["messages"]!["pushToTalkStart"]!["name"] = "ptt:start";
        var changed = ChatContract.Read(document).RoomClientMessages;

        changed["ptt:start"].Validate("push_to_talk:start").Should().NotBeEmpty("the SDK's text no longer matches the changed document");
        FakeReader()("ptt:start").Should().BeNull("the fake does not read the changed document's text as push-to-talk");
    }

    /// <summary>The documented message a published text is: the fixed text it equals, else a typed user message.</summary>
    private static string? MessageOf(string text)
    {
        var matches = Documented.Values.Where(m => m.Text is not null ? m.Text == text : m.Validate(text).Count == 0).ToList();
        return matches.Count > 0 ? matches.OrderBy(m => m.Text is null).First().Name : null;
    }

    /// <summary>The fake room's reading of a data packet (its private <c>PushToTalk</c>): a journal kind, or null for a typed message.</summary>
    private static Func<string, object?> FakeReader()
    {
        var host = typeof(KonProFakeServer).Assembly.GetTypes().SingleOrDefault(t => t.Name == "FakeRoomHost")
            ?? throw new InvalidOperationException("The fake's room host (FakeRoomHost) was not found: update this test.");
        var method = host.GetMethod("PushToTalk", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("FakeRoomHost.PushToTalk(string) was not found: update this test.");
        return text => method.Invoke(null, [text]);
    }

    private static string PascalCase(string name) =>
        string.Concat(name.Split('_', ':').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
