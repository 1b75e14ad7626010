using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace KonPro.Streaming.Tests.StreamedSpeech;

public sealed class SentenceSplitterTests
{
    [Fact]
    public async Task Yields_each_sentence_as_soon_as_the_white_space_after_it_arrives()
    {
        var tokens = Channel.CreateUnbounded<string>();
        var askedForAThird = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pieces = SentenceSplitter.SplitAsync(SignalAsk(tokens.Reader.ReadAllAsync(), 3, askedForAThird)).GetAsyncEnumerator();

        await tokens.Writer.WriteAsync("Hel");
        await tokens.Writer.WriteAsync("lo there.");
        var first = pieces.MoveNextAsync().AsTask();
        // Asking for a third token proves the splitter has read "lo there." and chose to wait rather than yield.
        await askedForAThird.Task.WaitAsync(TimeSpan.FromSeconds(20));
        first.IsCompleted.Should().BeFalse("the end mark may still be part of a number or an abbreviation");
        await tokens.Writer.WriteAsync(" How are");

        (await first.WaitAsync(TimeSpan.FromSeconds(20))).Should().BeTrue();
        pieces.Current.Should().Be("Hello there.");
        tokens.Writer.Complete();
        (await pieces.MoveNextAsync()).Should().BeTrue();
        pieces.Current.Should().Be("How are");
        (await pieces.MoveNextAsync()).Should().BeFalse();
    }

    [Theory]
    [InlineData("One. Two! Three? Four", new[] { "One.", "Two!", "Three?", "Four" })]
    [InlineData("Pi is 3.14 today. Yes", new[] { "Pi is 3.14 today.", "Yes" })]
    [InlineData("一つ。二つ！三つ", new[] { "一つ。", "二つ！", "三つ" })]
    [InlineData("Line one\nLine two\n\n", new[] { "Line one", "Line two" })]
    [InlineData("   ", new string[0])]
    public async Task Cuts_at_sentence_ends_whatever_the_chunking(string text, string[] expected)
    {
        foreach (var size in new[] { 1, 2, 3, 7, 1000 })
        {
            var pieces = await Collect(SentenceSplitter.SplitAsync(Chunks(text, size)));
            pieces.Should().Equal(expected, $"chunks of {size}");
        }
    }

    [Fact]
    public async Task Never_yields_a_piece_over_the_limit_and_loses_no_word()
    {
        var words = Enumerable.Range(0, 700).Select(i => $"w{i}").ToList();
        var text = string.Join(' ', words) + " " + new string('x', 2300);

        var pieces = await Collect(SentenceSplitter.SplitAsync(Chunks(text, 13)));

        pieces.Should().OnlyContain(p => p.Length > 0 && p.Length <= SpeakRequest.MaxTextLength);
        string.Concat(pieces.Select(p => p.Replace(" ", string.Empty, StringComparison.Ordinal)))
            .Should().Be(text.Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Yields_a_long_sentence_before_its_end_once_it_is_over_the_limit()
    {
        var tokens = Channel.CreateUnbounded<string>();
        await using var pieces = SentenceSplitter.SplitAsync(tokens.Reader.ReadAllAsync(), maxLength: 20).GetAsyncEnumerator();

        await tokens.Writer.WriteAsync("alpha beta gamma delta epsilon");

        (await pieces.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20))).Should().BeTrue();
        pieces.Current.Should().Be("alpha beta gamma");
        tokens.Writer.Complete();
    }

    [Fact]
    public void Rejects_bad_arguments_before_reading()
    {
        var nullSource = () => SentenceSplitter.SplitAsync(null!);
        var zero = () => SentenceSplitter.SplitAsync(Chunks("a", 1), maxLength: 0);

        nullSource.Should().Throw<ArgumentNullException>();
        zero.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxLength");
    }

    internal static async IAsyncEnumerable<string> Chunks(string text, int size, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private static async Task<List<string>> Collect(IAsyncEnumerable<string> source)
    {
        var list = new List<string>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Passes <paramref name="source"/> on, completing <paramref name="asked"/> when item number <paramref name="ask"/> is asked for.</summary>
    private static async IAsyncEnumerable<string> SignalAsk(IAsyncEnumerable<string> source, int ask, TaskCompletionSource asked)
    {
        await using var items = source.GetAsyncEnumerator();
        for (var n = 1; ; n++)
        {
            if (n == ask)
            {
                asked.TrySetResult();
            }

            if (!await items.MoveNextAsync())
            {
                yield break;
            }

            yield return items.Current;
        }
    }
}
