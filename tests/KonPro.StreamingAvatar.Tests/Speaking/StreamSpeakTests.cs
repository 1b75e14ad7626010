using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.StreamedSpeech;

public sealed class StreamSpeakTests
{
    [Fact]
    public async Task Speaks_each_sentence_as_it_arrives_in_order_with_one_handle()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        var tokens = Channel.CreateUnbounded<string>();

        var handle = await avatar.SpeakAsync(tokens.Reader.ReadAllAsync());
        await tokens.Writer.WriteAsync("Hello there. How");

        await Wait.UntilAsync(() => TaskTexts(scope).Count == 1);
        TaskTexts(scope).Should().Equal("Hello there.");
        await handle.Started.WaitAsync(FakeServerScope.Patience);
        handle.Completed.IsCompleted.Should().BeFalse("the stream has not ended");
        await tokens.Writer.WriteAsync(" are you? Fine.");
        tokens.Writer.Complete();

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Completed);
        result.Error.Should().BeNull();
        result.SpokenPieces.Should().Equal("Hello there.", "How are you?", "Fine.");
        result.SpokenText.Should().Be("Hello there. How are you? Fine.");
        TaskTexts(scope).Should().Equal("Hello there.", "How are you?", "Fine.");
        scope.Calls(KonProOperationIds.SendTask).Select(c => JsonDocument.Parse(c.RequestBody!).RootElement)
            .Should().OnlyContain(b => b.GetProperty("task_type").GetString() == "repeat" && b.GetProperty("task_mode").GetString() == "async");
        result.Pieces.Select(p => p.Index).Should().Equal(0, 1, 2);
        result.Pieces.Should().OnlyContain(p => p.Handle.Completed.Result.Outcome == SpeakOutcome.Completed);
    }

    [Fact]
    public async Task Never_sends_a_task_over_the_limit()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        var text = string.Join(' ', Enumerable.Range(0, 600).Select(i => $"word{i}"));

        var handle = await avatar.SpeakAsync(SentenceSplitterTests.Chunks(text, 17));
        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);

        result.Error.Should().BeNull();
        result.Outcome.Should().Be(SpeakOutcome.Completed);
        var sent = TaskTexts(scope);
        sent.Should().HaveCountGreaterThan(1).And.OnlyContain(t => t.Length <= SpeakRequest.MaxTextLength);
        string.Join(' ', sent).Should().Be(text);
    }

    [Fact]
    public async Task An_interrupt_stops_reading_the_stream_and_ends_the_utterance_as_interrupted()
    {
        await using var scope = await FakeServerScope.StartAsync(o => { o.TimeScale = 0.5; o.SessionDurationLimit = TimeSpan.FromHours(1); });
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        var source = new EndlessSentences();

        var handle = await avatar.SpeakAsync(source.ReadAsync());
        await handle.Started.WaitAsync(FakeServerScope.Patience);
        await avatar.InterruptAsync();

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Interrupted);
        await source.Cancelled.WaitAsync(FakeServerScope.Patience);
        result.SpokenPieces.Should().NotBeEmpty().And.HaveCountLessThan(result.Pieces.Count + 1);
        result.SpokenPieces[0].Should().Be("Sentence number 0 of a long answer.");
        var sentAfter = TaskTexts(scope);
        // A task sent now reaches the fake after any piece still on its way: nothing may come between.
        await avatar.SpeakAsync(new SpeakRequest { Text = "After the interrupt.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await Wait.UntilAsync(() => TaskTexts(scope).Contains("After the interrupt."));
        TaskTexts(scope).Should().Equal([.. sentAfter, "After the interrupt."], "nothing of the stream is sent after the interrupt");
    }

    [Fact]
    public async Task Cancelling_stops_the_stream_without_interrupting_what_was_sent()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        var source = new EndlessSentences();
        using var cancel = new CancellationTokenSource();

        var handle = await avatar.SpeakAsync(source.ReadAsync(), cancellationToken: cancel.Token);
        await handle.Started.WaitAsync(FakeServerScope.Patience);
        await cancel.CancelAsync();

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Interrupted);
        await source.Cancelled.WaitAsync(FakeServerScope.Patience);
        scope.Calls(KonProOperationIds.InterruptTask).Should().BeEmpty();
        result.Pieces.Should().OnlyContain(p => p.Handle.Completed.Result.Outcome == SpeakOutcome.Completed);
    }

    [Fact]
    public async Task A_failing_source_is_reported_in_the_result_after_what_was_already_said()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });

        var handle = await avatar.SpeakAsync(FailAfter("First sentence. Second", new InvalidOperationException("model went away")));

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Error.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Be("model went away");
        result.SpokenPieces.Should().Equal("First sentence.");
        TaskTexts(scope).Should().Equal("First sentence.");
    }

    [Fact]
    public async Task Rejects_bad_input_and_an_unstarted_session_before_anything_is_sent()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.SessionDurationLimit = TimeSpan.FromHours(1));
        var avatar = await scope.CreateAvatarAsync();

        var notStarted = () => avatar.SpeakAsync(SentenceSplitterTests.Chunks("Hi.", 1));
        await notStarted.Should().ThrowAsync<InvalidOperationException>();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        var tooLong = () => avatar.SpeakAsync(SentenceSplitterTests.Chunks("Hi.", 1), new SpeakStreamOptions { MaxPieceLength = 1001 });
        var nullText = () => avatar.SpeakAsync((IAsyncEnumerable<string>)null!);

        (await tooLong.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("MaxPieceLength");
        await nullText.Should().ThrowAsync<ArgumentNullException>();
        scope.Calls(KonProOperationIds.SendTask).Should().BeEmpty();
    }

    private static List<string> TaskTexts(FakeServerScope scope) =>
        [.. scope.Calls(KonProOperationIds.SendTask).Select(c => JsonDocument.Parse(c.RequestBody!).RootElement.GetProperty("text").GetString()!)];

    private static async IAsyncEnumerable<string> FailAfter(string text, Exception error)
    {
        await Task.Yield();
        yield return text;
        throw error;
    }

    private sealed class EndlessSentences
    {
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Cancelled => _cancelled.Task;

        public async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var registration = cancellationToken.Register(_cancelled.SetResult);
            for (var i = 0; ; i++)
            {
                yield return $"Sentence number {i} of a long answer. ";
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    [Fact]
    public void A_result_prints_its_pieces_texts_rather_than_the_list_type()
    {
        var result = new StreamSpeakResult(SpeakOutcome.Completed, [], ["Hello there.", "How are you?"], null);

        var printed = result.ToString();

        printed.Should().Contain("SpokenPieces = [\"Hello there.\", \"How are you?\"]");
        printed.Should().NotContain("System.Collections.Generic");
    }
}
