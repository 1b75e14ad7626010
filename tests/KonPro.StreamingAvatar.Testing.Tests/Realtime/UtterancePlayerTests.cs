using System.Threading.Channels;
using KonPro.Streaming.Testing.Realtime;
using KonPro.Streaming.Testing.Time;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Testing.Tests.Realtime;

/// <summary>
/// The realtime audio socket's playback on its own, in virtual time: an utterance plays for as long as its audio lasts
/// once the session is connected, and an interrupt reports what was heard.
/// </summary>
public sealed class UtterancePlayerTests
{
    private static readonly byte[] OneSecond = new byte[UtterancePlayer.SampleRate * 2];
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30); // bounds each wait only

    [Fact]
    public async Task An_ended_utterance_plays_once_connected_and_ends_when_its_audio_has_passed()
    {
        var time = new FakeTimeProvider();
        var session = Support.Sessions.New(time);
        var player = new UtterancePlayer(new ScaledClock(time, 1), session);
        var heard = Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource();
        player.Append("u1", OneSecond);
        player.End("u1").Should().BeTrue();
        var playing = player.PlayAsync(
            id => heard.Writer.WriteAsync($"started {id}").AsTask(),
            (id, duration) => heard.Writer.WriteAsync($"ended {id} {duration.TotalMilliseconds}").AsTask(),
            stop.Token);

        player.AgentState.Should().Be("idle", "nothing plays before the session is connected");
        player.Connect();
        (await heard.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Should().Be("started u1");
        player.AgentState.Should().Be("speaking");

        time.Advance(TimeSpan.FromSeconds(1));
        (await heard.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Should().Be("ended u1 1000");
        player.IsBusy.Should().BeFalse();

        await StopAsync(stop, playing);
        await session.DisposeAsync();
    }

    [Fact]
    public async Task An_interrupt_reports_what_was_heard_of_the_playing_utterance_and_drops_the_queued_ones_and_their_later_audio()
    {
        var time = new FakeTimeProvider();
        var session = Support.Sessions.New(time);
        var player = new UtterancePlayer(new ScaledClock(time, 1), session);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        player.Append("u1", OneSecond);
        player.Append("u2", OneSecond);
        var playing = player.PlayAsync(id => { started.TrySetResult(id); return Task.CompletedTask; }, (_, _) => Task.CompletedTask, stop.Token);
        player.Connect();
        (await started.Task.WaitAsync(Bound)).Should().Be("u1");

        time.Advance(TimeSpan.FromMilliseconds(250));
        var cut = player.Interrupt();
        player.Append("u2", OneSecond);

        cut.Should().Equal(("u1", TimeSpan.FromMilliseconds(250)), ("u2", TimeSpan.Zero));
        player.IsBusy.Should().BeFalse("the rest of an interrupted utterance is dropped");
        player.End("u2").Should().BeTrue("an interrupted utterance is known, so ending it is no error");
        player.End("never-sent").Should().BeFalse();

        await StopAsync(stop, playing);
        await session.DisposeAsync();
    }

    /// <summary>Stops the playback loop and waits for it (it ends by returning or by its cancellation).</summary>
    private static async Task StopAsync(CancellationTokenSource stop, Task playing)
    {
        await stop.CancelAsync();
        try
        {
            await playing.WaitAsync(Bound);
        }
        catch (OperationCanceledException)
        {
            // The loop was waiting when it was cancelled.
        }
    }
}
