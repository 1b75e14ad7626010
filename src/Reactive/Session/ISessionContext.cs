using KonPro.Streaming.Speaking;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Session;

/// <summary>
/// What the calls that drive a started session (<see cref="SessionCommands"/>) read of it: its state, the session and
/// the request it was started with, the speak handles' tracker and voice chat. <see cref="SessionEngine"/> provides it;
/// the commands see nothing else of the engine (not its lifecycle, its close path or its transports' wiring).
/// </summary>
internal interface ISessionContext
{
    /// <summary>The session's state.</summary>
    SessionStateMachine State { get; }

    /// <summary>The progress of the session's tasks, for speak handles.</summary>
    SpeakTracker Speaks { get; }

    /// <summary>The session's voice chat.</summary>
    VoiceChat Voice { get; }

    /// <summary>The session the server created, once it has.</summary>
    StartAvatarResponse? Session { get; }

    /// <summary>The request the session was created with, once it has been.</summary>
    StartAvatarRequest? Request { get; }

    /// <summary>The session's id, or throws (disposed, or not started) with a message that names <paramref name="operation"/>.</summary>
    string RequireStarted(string operation);
}
