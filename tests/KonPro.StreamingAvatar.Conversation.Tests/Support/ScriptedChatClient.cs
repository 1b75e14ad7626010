using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace KonPro.Streaming.Conversation.Tests.Support;

/// <summary>
/// A chat model for tests: each request plays the next script, a list of steps (text after a delay on the given
/// clock, a function call, a failure, or waiting until cancelled). It records every request and every cancellation.
/// </summary>
internal sealed class ScriptedChatClient(TimeProvider time) : IChatClient
{
    private readonly ConcurrentQueue<Step[]> _scripts = new();
    private readonly ConcurrentQueue<(List<ChatMessage> Messages, ChatOptions? Options)> _requests = new();
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _delaysStarted;

    public IReadOnlyList<(List<ChatMessage> Messages, ChatOptions? Options)> Requests => [.. _requests];

    /// <summary>Completes when a request's cancellation token fired while it was streaming.</summary>
    public Task Cancelled => _cancelled.Task;

    /// <summary>How many delays have started on the clock (so a test advances virtual time only once one waits).</summary>
    public int DelaysStarted => Volatile.Read(ref _delaysStarted);

    public void Enqueue(params Step[] steps) => _scripts.Enqueue(steps);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _requests.Enqueue(([.. messages], options));
        var script = _scripts.TryDequeue(out var s) ? s : throw new InvalidOperationException("No script left for this request.");
        return PlayAsync(script, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> PlayAsync(Step[] script, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => _cancelled.TrySetResult());
        var messageId = Guid.NewGuid().ToString("N");
        foreach (var step in script)
        {
            if (step.Delay > TimeSpan.Zero)
            {
                var delay = Task.Delay(step.Delay, time, cancellationToken);
                Interlocked.Increment(ref _delaysStarted);
                await delay;
            }
            else
            {
                await Task.Yield();
            }

            switch (step.Kind)
            {
                case StepKind.Text:
                    yield return new ChatResponseUpdate(ChatRole.Assistant, step.Text) { MessageId = messageId };
                    break;
                case StepKind.Call:
                    yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call-1", step.Text!)]) { MessageId = messageId };
                    break;
                case StepKind.Fail:
                    throw step.Error!;
                case StepKind.Hang:
                    await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                    break;
            }
        }
    }

    internal enum StepKind
    {
        Text,
        Call,
        Fail,
        Hang,
    }

    internal sealed record Step(StepKind Kind, TimeSpan Delay, string? Text = null, Exception? Error = null)
    {
        public static Step Say(string text, TimeSpan delay = default) => new(StepKind.Text, delay, text);

        public static Step Call(string function) => new(StepKind.Call, TimeSpan.Zero, function);

        public static Step Fail(Exception error) => new(StepKind.Fail, TimeSpan.Zero, Error: error);

        public static Step Hang() => new(StepKind.Hang, TimeSpan.Zero);
    }
}
