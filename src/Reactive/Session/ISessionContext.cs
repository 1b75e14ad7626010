using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Session;

/// <summary>
/// What the calls that drive a started session (<see cref="SessionCommands"/>) read of it: its state, the session and
/// the request it was started with, and voice chat (speaking has its own context, <see cref="Speaking.ISpeakingContext"/>). <see cref="SessionEngine"/> provides it;
/// the commands see nothing else of the engine (not its lifecycle, its close path or its transports' wiring).
/// </summary>
internal interface ISessionContext
{
    /// <summary>The session's state.</summary>
    SessionStateMachine State { get; }

    /// <summary>The session's voice chat.</summary>
    VoiceChat Voice { get; }

    /// <summary>The session the server created, once it has.</summary>
    StartAvatarResponse? Session { get; }

    /// <summary>The request the session was created with, once it has been.</summary>
    StartAvatarRequest? Request { get; }

    /// <summary>The session's id, or throws (disposed, or not started) with a message that names <paramref name="operation"/>.</summary>
    string RequireStarted(string operation);
}
