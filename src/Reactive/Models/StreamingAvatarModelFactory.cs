namespace KonPro.StreamingAvatar;

/// <summary>Creates SDK result types for your own tests (for example, what a mocked <see cref="StreamingAvatar.SpeakAsync(SpeakRequest, CancellationToken)"/> returns).</summary>
public static class StreamingAvatarModelFactory
{
    /// <summary>Creates a speak handle, optionally already started and ended.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="outcome">How the task ended; null leaves it pending (never started).</param>
    /// <param name="durationMs">The spoken duration of an ended task.</param>
    /// <returns>The handle.</returns>
    public static SpeakHandle SpeakHandle(string taskId, SpeakOutcome? outcome = null, long? durationMs = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var progress = new SpeakProgress(taskId, TimeProvider.System);
        if (outcome is { } ended)
        {
            progress.MarkStarted(new AvatarStartTalking { TaskId = taskId, ReceivedAt = DateTimeOffset.UtcNow });
            progress.MarkEnded(ended, durationMs);
        }

        return new SpeakHandle(taskId, durationMs, progress);
    }
}
