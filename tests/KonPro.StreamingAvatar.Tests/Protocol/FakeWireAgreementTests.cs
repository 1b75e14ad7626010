using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using KonPro.Streaming.Api;
using KonPro.Streaming.Api.Frames;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// Over real sockets on loopback: a session on the fake that speaks, hears a typed message, hears audio and then
/// silence sends every event of the chat protocol document, each valid against its payload schema, with exactly
/// the documented fields; and the SDK's parser reads each one as its typed record.
/// </summary>
public sealed class FakeWireAgreementTests
{
    [Fact]
    public async Task A_scripted_session_sends_every_documented_event_as_the_document_describes_it()
    {
        var contract = ChatContract.Current;
        await using var wire = await FakeWire.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var (token, sessionId) = await wire.NewSessionAsync(new { activity_idle_timeout = 3600 });
        await using var socket = await wire.ConnectAsync(wire.ChatUri(sessionId, token, silenceResponse: true), sessionId);

        await wire.PostAsync(token, "/v1/streaming/task", new { session_id = sessionId, text = "Hello from the agreement test", task_type = "repeat", task_mode = "async" });
        await socket.SendBinaryAsync(new Frame { Text = new TextFrame { Id = 1, Name = "TextFrame", Text = "What is your name?" } }.ToByteArray());
        foreach (var chunk in Speech())
        {
            await socket.SendBinaryAsync(new Frame { Audio = new AudioRawFrame { Id = 2, Name = "AudioRawFrame", Audio = ByteString.CopyFrom(chunk), SampleRate = 16000, NumChannels = 1 } }.ToByteArray());
        }

        await FakeWire.UntilAsync(() => contract.SocketEvents.Keys.All(name => socket.Messages.Any(m => NameOf(m) == name)));

        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var text in socket.Messages)
        {
            var message = JsonNode.Parse(text)!.AsObject();
            var name = message[ChatProtocol.EventNameProperty]!.GetValue<string>();
            contract.SocketEvents.Should().ContainKey(name, "the fake sends only documented events");
            contract.SocketEvents[name].Validate(message).Should().BeEmpty($"{text} follows the document");
            (seen.TryGetValue(name, out var fields) ? fields : seen[name] = []).UnionWith(message.Select(p => p.Key).Where(k => k != ChatProtocol.EventNameProperty));

            StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(text), ChatProtocol.EventNameProperty, sessionId, DateTimeOffset.UnixEpoch, out var evt)
                .Should().BeTrue();
            evt.Should().NotBeOfType<UnknownStreamingEvent>();
            evt!.ExtraFields.Keys.Should().BeEmpty($"the SDK reads every field of {text}");
        }

        foreach (var (name, fields) in seen)
        {
            fields.Should().BeEquivalentTo(contract.SocketEvents[name].Fields, $"the fake sends the documented fields of {name}");
        }
    }

    private static string? NameOf(string text) => JsonNode.Parse(text)?[ChatProtocol.EventNameProperty]?.GetValue<string>();

    /// <summary>0.64 s of a loud tone, then 0.8 s of silence: 16 kHz mono PCM16 in chunks of 512 samples.</summary>
    private static IEnumerable<byte[]> Speech()
    {
        const int chunk = 512;
        for (var i = 0; i < 45; i++)
        {
            var bytes = new byte[chunk * 2];
            if (i < 20)
            {
                for (var s = 0; s < chunk; s++)
                {
                    var sample = (short)(Math.Sin(2 * Math.PI * 300 * ((i * chunk) + s) / 16000.0) * 16000);
                    bytes[2 * s] = (byte)sample;
                    bytes[(2 * s) + 1] = (byte)(sample >> 8);
                }
            }

            yield return bytes;
        }
    }
}
