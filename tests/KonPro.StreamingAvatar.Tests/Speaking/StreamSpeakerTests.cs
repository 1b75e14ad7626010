using System.Runtime.CompilerServices;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.StreamedSpeech;

/// <summary>
/// The one way to speak a stream of text pieces (used by the facade's SpeakAsync of a stream and by the conversation
/// package's voices), driven here with a voice of test pieces whose ends the test decides.
/// </summary>
public sealed class StreamSpeakerTests
{
    /// <summary>Only bounds waits on a loaded machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Pieces_are_begun_in_order_sent_once_begun_and_the_stream_completes_when_every_piece_has()
    {
        var voice = new TestVoice();

        var speaking = StreamSpeaker.SpeakAsync(Text("One. Two. ", "Three."), 200, voice.Voice, voice.OnPiece, CancellationToken.None);
        await voice.WaitForBegunAsync(3);
        await Wait.UntilAsync(() => voice.Events.Count(e => e.StartsWith("finish", StringComparison.Ordinal)) == 3);
        voice.Events.Should().Equal(
            "begin One.", "piece One.", "send One.", "begin Two.", "piece Two.", "send Two.", "begin Three.", "piece Three.", "send Three.",
            "finish One.", "finish Two.", "finish Three.");
        speaking.IsCompleted.Should().BeFalse("the text has ended, but no piece has");
        foreach (var piece in voice.Pieces)
        {
            piece.End.SetResult(SpeakOutcome.Completed);
        }

        var end = await speaking.WaitAsync(Patience);

        end.Should().Be(new StreamSpeakEnd(SpeakOutcome.Completed, null));
    }

    [Fact]
    public async Task A_piece_cut_short_stops_reading_and_its_outcome_is_the_streams()
    {
        var voice = new TestVoice();
        var never = new TaskCompletionSource();

        // The source waits after the first sentence until reading is stopped: only the interrupt can end this stream.
        var speaking = StreamSpeaker.SpeakAsync(Waiting(never.Task), 200, voice.Voice, voice.OnPiece, CancellationToken.None);
        await voice.WaitForBegunAsync(1);
        voice.Pieces[0].End.SetResult(SpeakOutcome.Interrupted);

        var end = await speaking.WaitAsync(Patience);

        end.Outcome.Should().Be(SpeakOutcome.Interrupted);
        voice.Pieces.Should().ContainSingle("reading stopped at the interrupt: the text after it is never begun");
    }

    [Fact]
    public async Task A_failing_source_is_reported_in_the_end_never_thrown_and_the_callers_cancel_counts_as_an_interrupt()
    {
        var failing = new TestVoice();
        var end = StreamSpeaker.SpeakAsync(Failing(), 200, failing.Voice, failing.OnPiece, CancellationToken.None);
        await failing.WaitForBegunAsync(1);
        failing.Pieces[0].End.SetResult(SpeakOutcome.Completed);
        var failed = await end.WaitAsync(Patience);
        failed.Outcome.Should().Be(SpeakOutcome.Completed);
        failed.Error.Should().BeOfType<InvalidDataException>();

        using var cancel = new CancellationTokenSource();
        var cancelled = new TestVoice();
        var speaking = StreamSpeaker.SpeakAsync(Waiting(Task.Delay(Timeout.Infinite, cancel.Token)), 200, cancelled.Voice, cancelled.OnPiece, cancel.Token);
        await cancelled.WaitForBegunAsync(1);
        await cancel.CancelAsync();
        cancelled.Pieces[0].End.SetResult(SpeakOutcome.Completed);
        (await speaking.WaitAsync(Patience)).Outcome.Should().Be(SpeakOutcome.Interrupted);
    }

    private static async IAsyncEnumerable<string> Text(params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }

    private static async IAsyncEnumerable<string> Waiting(Task more, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return "First sentence. And";
        await more.WaitAsync(cancellationToken);
        yield return " then the second.";
    }

    private static async IAsyncEnumerable<string> Failing()
    {
        yield return "Said. And";
        await Task.Yield();
        throw new InvalidDataException("the source broke");
    }

    private sealed class TestVoice
    {
        private readonly List<string> _events = [];
        private readonly List<TestPiece> _pieces = [];

        public TestVoice() =>
            Voice = new PieceVoice<TestPiece>(
                (text, _) =>
                {
                    Record("begin " + text);
                    var piece = new TestPiece(text);
                    lock (_pieces)
                    {
                        _pieces.Add(piece);
                    }

                    return Task.FromResult(piece);
                },
                piece => piece.End.Task,
                (piece, _, _) =>
                {
                    Record("send " + piece.Text);
                    return Task.CompletedTask;
                },
                piece =>
                {
                    Record("finish " + piece.Text);
                    return Task.CompletedTask;
                });

        public PieceVoice<TestPiece> Voice { get; }

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public IReadOnlyList<TestPiece> Pieces
        {
            get
            {
                lock (_pieces)
                {
                    return [.. _pieces];
                }
            }
        }

        public void OnPiece(string text, TestPiece piece) => Record("piece " + text);

        public Task WaitForBegunAsync(int count) => Wait.UntilAsync(() => Events.Count(e => e.StartsWith("send", StringComparison.Ordinal)) >= count);

        private void Record(string entry)
        {
            lock (_events)
            {
                _events.Add(entry);
            }
        }
    }

    private sealed record TestPiece(string Text)
    {
        public TaskCompletionSource<SpeakOutcome> End { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
