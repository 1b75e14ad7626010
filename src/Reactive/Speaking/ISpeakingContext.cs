namespace KonPro.Streaming.Speaking;

/// <summary>
/// What the speak and interrupt calls (<see cref="SpeakCommands"/>) read of the session: its state, the started check
/// and the tracker of its tasks' progress. The session provides it; speaking sees nothing else of it.
/// </summary>
internal interface ISpeakingContext
{
    /// <summary>The session's state now.</summary>
    SessionState State { get; }

    /// <summary>The progress of the session's tasks, for speak handles.</summary>
    SpeakTracker Speaks { get; }

    /// <summary>The session's id, or throws (disposed, or not started) with a message that names <paramref name="operation"/>.</summary>
    string RequireStarted(string operation);
}
