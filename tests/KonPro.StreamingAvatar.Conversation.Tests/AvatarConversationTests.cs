using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KonPro.Streaming.Conversation.Tests.Support;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport.Concurrency;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static KonPro.Streaming.Conversation.Tests.Support.ScriptedChatClient;

namespace KonPro.Streaming.Conversation.Tests;

public sealed class AvatarConversationTests
{
    [Fact]
    public async Task Speaks_the_first_sentence_while_the_model_is_still_writing_and_measures_it_in_virtual_time()
    {
        await using var loop = await Loopback.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var avatar = await loop.StartAvatarAsync(new StreamingAvatarOptions { TimeProvider = clock });
        var model = new ScriptedChatClient(clock);
        model.Enqueue(
            Step.Say("Hello ", TimeSpan.FromMilliseconds(300)),
            Step.Say("there. The museum", TimeSpan.FromMilliseconds(100)),
            Step.Say(" opens at nine. ", TimeSpan.FromSeconds(2)),
            Step.Say("Enjoy!", TimeSpan.FromSeconds(2)));
        using var meter = new LatencyListener();
        var conversation = loop.Own(new AvatarConversation(avatar, model, new AvatarConversationOptions { SystemPrompt = "You are a museum guide.", TimeProvider = clock, MeterFactory = meter.Factory }));
        using var started = new Recorder<AvatarStartTalking>(avatar.AvatarStartTalking);

        var answer = conversation.SendAsync("Where is the museum?");
        await AdvanceWhenWaitingAsync(model, clock, 1, TimeSpan.FromMilliseconds(300));
        await AdvanceWhenWaitingAsync(model, clock, 2, TimeSpan.FromMilliseconds(100));
        await Loopback.UntilAsync(() => loop.TaskTexts().Count == 1);
        await started.WaitForAsync(s => s.Count == 1);

        loop.TaskTexts().Should().Equal(["Hello there."], "the first sentence is spoken while the model is still writing");
        answer.IsCompleted.Should().BeFalse();
        await AdvanceWhenWaitingAsync(model, clock, 3, TimeSpan.FromSeconds(2));
        await AdvanceWhenWaitingAsync(model, clock, 4, TimeSpan.FromSeconds(2));
        var turn = await answer.WaitAsync(Loopback.Patience);

        turn.SpokenPieces.Should().Equal("Hello there.", "The museum opens at nine.", "Enjoy!");
        turn.Interrupted.Should().BeFalse();
        turn.Error.Should().BeNull();
        turn.FirstTokenLatency.Should().Be(TimeSpan.FromMilliseconds(300));
        turn.FirstSpeechLatency.Should().Be(TimeSpan.FromMilliseconds(400));
        loop.TaskTexts().Should().Equal("Hello there.", "The museum opens at nine.", "Enjoy!");
        model.Requests[0].Messages.Select(m => (m.Role, m.Text)).Should().Equal((ChatRole.System, "You are a museum guide."), (ChatRole.User, "Where is the museum?"));
        conversation.History.Select(m => (m.Role, m.Text)).Should().Equal(
            (ChatRole.System, "You are a museum guide."),
            (ChatRole.User, "Where is the museum?"),
            (ChatRole.Assistant, "Hello there. The museum opens at nine. Enjoy!"));
        meter.Values("konpro.streaming_avatar.conversation.first_token.latency").Should().Equal(0.3);
        meter.Values("konpro.streaming_avatar.conversation.first_speech.latency").Should().Equal(0.4);
    }

    [Fact]
    public async Task Voice_transcripts_and_typed_messages_become_turns_answered_in_order_with_the_history()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Say("It is noon. "));
        model.Enqueue(Step.Say(" You are welcome."));
        var conversation = loop.Own(new AvatarConversation(avatar, model));
        using var turns = new Recorder<ConversationTurn>(conversation.Turns);
        var microphone = loop.Own(new PushAudioSource());
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = microphone });
        await avatar.StopListeningAsync(); // the fake's own talk reply stays out of it: the model answers
        loop.Server.EnqueueTranscript("what time is it");

        microphone.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(600)));
        microphone.Push(AudioClips.Silence(TimeSpan.FromMilliseconds(1500)));
        await turns.WaitForAsync(t => t.Count == 2);
        var thanks = await conversation.SendAsync("thanks").WaitAsync(Loopback.Patience);

        thanks.Text.Should().Be("You are welcome.");
        var all = await turns.WaitForAsync(t => t.Count == 4);
        all.Select(Describe).Should().Equal("user Voice: what time is it", "avatar: It is noon.", "user Typed: thanks", "avatar: You are welcome.");
        model.Requests[1].Messages.Select(m => m.Text).Should().Equal("what time is it", "It is noon.", "thanks");
        loop.TaskTexts().Should().Equal("It is noon.", "You are welcome.");
    }

    [Fact]
    public async Task Barge_in_cancels_the_model_interrupts_the_avatar_and_keeps_only_what_was_said()
    {
        await using var loop = await Loopback.StartAsync(timeScale: 0.5);
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        var first = "This is the first sentence of a long story that the avatar takes a good few seconds to say out loud.";
        var second = "This second sentence is queued behind it and should never be heard by the user.";
        model.Enqueue(Step.Say(first + " "), Step.Say(second + " "), Step.Hang());
        model.Enqueue(Step.Say("Sure, I will stop."));
        var conversation = loop.Own(new AvatarConversation(avatar, model));
        using var turns = new Recorder<ConversationTurn>(conversation.Turns);
        var microphone = loop.Own(new PushAudioSource());
        await avatar.StartVoiceChatAsync(new StartVoiceChatRequest { AudioSource = microphone });
        await avatar.StopListeningAsync();
        using var started = new Recorder<AvatarStartTalking>(avatar.AvatarStartTalking);

        var answer = conversation.SendAsync("Tell me a story.");
        await started.WaitForAsync(s => s.Count == 1);
        await Loopback.UntilAsync(() => loop.TaskTexts().Count == 2);
        loop.Server.EnqueueTranscript("stop please");
        microphone.Push(AudioClips.SpeechLike(TimeSpan.FromMilliseconds(600)));
        microphone.Push(AudioClips.Silence(TimeSpan.FromMilliseconds(1500)));
        var cut = await answer.WaitAsync(Loopback.Patience);

        await model.Cancelled.WaitAsync(Loopback.Patience);
        cut.Interrupted.Should().BeTrue();
        cut.SpokenPieces.Should().Equal(first);
        loop.Calls(KonProOperationIds.InterruptTask).Should().BeGreaterThanOrEqualTo(1);
        var all = await turns.WaitForAsync(t => t.Count == 4);
        all.Select(Describe).Should().Equal("user Typed: Tell me a story.", $"avatar: {first}", "user Voice: stop please", "avatar: Sure, I will stop.");
        conversation.History.Select(m => m.Text).Should().Equal("Tell me a story.", first, "stop please", "Sure, I will stop.");
        model.Requests[1].Messages.Select(m => m.Text).Should().NotContain(t => t.Contains("second sentence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_model_is_reported_and_the_conversation_goes_on()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Say("Fine so far. Then"), Step.Fail(new HttpRequestException("model unavailable")));
        model.Enqueue(Step.Say("Back again."));
        using var meter = new LatencyListener();
        var conversation = loop.Own(new AvatarConversation(avatar, model, new AvatarConversationOptions { MeterFactory = meter.Factory }));

        var failed = await conversation.SendAsync("first").WaitAsync(Loopback.Patience);
        var next = await conversation.SendAsync("second").WaitAsync(Loopback.Patience);

        failed.Error.Should().BeOfType<HttpRequestException>().Which.Message.Should().Be("model unavailable");
        failed.SpokenPieces.Should().Equal("Fine so far.");
        next.Error.Should().BeNull();
        next.Text.Should().Be("Back again.");
        conversation.History.Select(m => m.Text).Should().Equal("first", "Fine so far.", "second", "Back again.");
        meter.Values("konpro.streaming_avatar.conversation.model_errors").Should().Equal(1);
    }

    [Fact]
    public async Task No_task_carries_more_than_the_limit_however_long_the_answer()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        var words = string.Join(' ', Enumerable.Range(0, 500).Select(i => $"word{i}"));
        model.Enqueue([.. words.Chunk(11).Select(c => Step.Say(new string(c)))]);
        var conversation = loop.Own(new AvatarConversation(avatar, model));

        var turn = await conversation.SendAsync("Talk for a while.").WaitAsync(Loopback.Patience);

        loop.TaskTexts().Should().HaveCountGreaterThan(2).And.OnlyContain(t => t.Length <= SpeakRequest.MaxTextLength);
        string.Join(' ', loop.TaskTexts()).Should().Be(words);
        turn.Text.Should().Be(words);
    }

    [Fact]
    public async Task Chat_options_pass_through_and_function_calling_works_through_function_invoking_chat_client()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Call("get_time"));
        model.Enqueue(Step.Say("It is noon in the museum."));
        var calls = 0;
        var tool = AIFunctionFactory.Create(() => { Interlocked.Increment(ref calls); return "12:00"; }, "get_time", "Tells the time.");
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();
        var options = new AvatarConversationOptions { ChatOptions = new ChatOptions { Temperature = 0.25f, Tools = [tool] } };
        var conversation = loop.Own(new AvatarConversation(avatar, client, options));

        var turn = await conversation.SendAsync("What time is it?").WaitAsync(Loopback.Patience);

        turn.Text.Should().Be("It is noon in the museum.");
        calls.Should().Be(1);
        model.Requests.Should().HaveCount(2).And.OnlyContain(r => r.Options!.Temperature == 0.25f && r.Options.Tools!.Count == 1);
        model.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single().Result!.ToString().Should().Contain("12:00");
        conversation.History.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Should().ContainSingle(c => c.Name == "get_time");
        loop.TaskTexts().Should().Equal("It is noon in the museum.");
    }

    [Fact]
    public async Task A_turns_observer_runs_under_no_lock_of_ours_and_may_call_back_in_from_any_thread()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);
        model.Enqueue(Step.Say("Hello there."));
        model.Enqueue(Step.Say("Again."));
        var conversation = loop.Own(new AvatarConversation(avatar, model));
        var held = new ConcurrentQueue<string>();
        var second = new TaskCompletionSource<Task<AssistantTurn>>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? calledBack = null;
        using var probe = conversation.Turns.Subscribe(turn =>
        {
            foreach (var gate in LockProbe.HeldFrom(conversation))
            {
                held.Enqueue($"{turn.GetType().Name}: {gate}");
            }

            if (turn is AssistantTurn && calledBack is null)
            {
                // Waits, inside the callback, for another thread that reads the history and sends the next message.
                calledBack = Task.Run(() =>
                {
                    _ = conversation.History;
                    second.TrySetResult(conversation.SendAsync("again"));
                }).Wait(Loopback.Patience);
            }
        });

        var first = await conversation.SendAsync("hi").WaitAsync(Loopback.Patience);
        var next = await (await second.Task.WaitAsync(Loopback.Patience)).WaitAsync(Loopback.Patience);

        first.Text.Should().Be("Hello there.");
        next.Text.Should().Be("Again.");
        calledBack.Should().BeTrue();
        held.Should().BeEmpty("no user callback may run under a lock of the conversation or the SDK");
    }

    [Fact]
    public async Task Disposing_completes_the_turns_and_bad_input_is_refused_before_anything_is_sent()
    {
        await using var loop = await Loopback.StartAsync();
        var avatar = await loop.StartAvatarAsync();
        var model = new ScriptedChatClient(TimeProvider.System);

        var noAvatar = () => new AvatarConversation(null!, model);
        var noModel = () => new AvatarConversation(avatar, null!);
        var badLength = () => new AvatarConversation(avatar, model, new AvatarConversationOptions { MaxPieceLength = 0 });
        noAvatar.Should().Throw<ArgumentNullException>();
        noModel.Should().Throw<ArgumentNullException>();
        badLength.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MaxPieceLength");
        var conversation = new AvatarConversation(avatar, model);
        using var turns = new Recorder<ConversationTurn>(conversation.Turns);
        var empty = () => conversation.SendAsync("  ");
        await empty.Should().ThrowAsync<ArgumentException>();

        await conversation.DisposeAsync();

        turns.IsCompleted.Should().BeTrue();
        var late = () => conversation.SendAsync("hello");
        await late.Should().ThrowAsync<ObjectDisposedException>();
        model.Requests.Should().BeEmpty();
        loop.TaskTexts().Should().BeEmpty();
    }

    private static string Describe(ConversationTurn turn) => turn switch
    {
        UserTurn user => $"user {user.Source}: {user.Text}",
        AssistantTurn assistant => $"avatar: {assistant.Text}",
        _ => turn.ToString(),
    };

    private static async Task AdvanceWhenWaitingAsync(ScriptedChatClient model, FakeTimeProvider clock, int delays, TimeSpan by)
    {
        await Loopback.UntilAsync(() => model.DelaysStarted >= delays);
        clock.Advance(by);
    }

    /// <summary>Collects the conversation's measurements from the SDK's meter (only this test's meter, not those of tests running beside it).</summary>
    private sealed class LatencyListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Name, double Value)> _values = new();

        public LatencyListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "KonPro.StreamingAvatar" && Factory.Created(instrument.Meter) && instrument.Name.Contains(".conversation.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _values.Enqueue((instrument.Name, value)));
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _values.Enqueue((instrument.Name, value)));
            _listener.Start();
        }

        public TestMeterFactory Factory { get; } = new();

        public IReadOnlyList<double> Values(string name) => [.. _values.Where(v => v.Name == name).Select(v => Math.Round(v.Value, 6))];

        public void Dispose()
        {
            _listener.Dispose();
            Factory.Dispose();
        }
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public bool Created(Meter meter)
        {
            lock (_meters)
            {
                return _meters.Contains(meter);
            }
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }
}
