using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Voice;

/// <summary>
/// Voice chat of one session: the pump that streams the audio source to the chat socket, and whether it sends the
/// user's audio or silence (muted, or push-to-talk enabled and not held).
/// </summary>
internal sealed class VoiceChat
{
    private readonly Lock _gate = new();
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private VoiceChatPump? _pump;
    private bool _muted;
    private bool _pushToTalk;
    private bool _pushToTalkHeld;

    public VoiceChat(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, IScheduler scheduler, ILogger logger)
    {
        _send = send;
        _scheduler = scheduler;
        _logger = logger;
    }

    /// <summary>Whether the user's input is muted.</summary>
    public bool IsMuted
    {
        get
        {
            lock (_gate)
            {
                return _muted;
            }
        }
    }

    /// <summary>Whether the pump runs.</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _pump is not null;
            }
        }
    }

    /// <summary>Checks that voice chat is not running and sets how it starts.</summary>
    /// <exception cref="InvalidOperationException">Voice chat is already running.</exception>
    public void Prepare(bool muted, bool pushToTalk)
    {
        lock (_gate)
        {
            if (_pump is not null)
            {
                throw new InvalidOperationException("Voice chat is already running; call CloseVoiceChatAsync first.");
            }

            _muted = muted;
            _pushToTalk = pushToTalk;
        }
    }

    /// <summary>Starts the pump over <paramref name="source"/>.</summary>
    /// <exception cref="InvalidOperationException">Voice chat was started concurrently.</exception>
    /// <param name="source">The user's audio.</param>
    /// <param name="send">Where the pump sends each chunk instead of the chat socket (the room's microphone track), or null.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public async Task StartAsync(IAudioSource source, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? send, CancellationToken cancellationToken)
    {
        VoiceChatPump pump;
        lock (_gate)
        {
            if (_pump is not null)
            {
                throw new InvalidOperationException("Voice chat could not start: it was started concurrently.");
            }

            pump = new VoiceChatPump(source, send ?? _send, _scheduler, _logger, startMuted: EffectiveMuteLocked());
            _pump = pump;
        }

        await pump.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the pump if one runs; true when it did.</summary>
    public async Task<bool> StopAsync()
    {
        VoiceChatPump? pump;
        lock (_gate)
        {
            pump = _pump;
            _pump = null;
        }

        if (pump is null)
        {
            return false;
        }

        await pump.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>Mutes or unmutes the user's input.</summary>
    public void SetMuted(bool muted)
    {
        lock (_gate)
        {
            _muted = muted;
            ApplyLocked();
        }
    }

    /// <summary>Holds or releases push-to-talk.</summary>
    public void SetPushToTalkHeld(bool held)
    {
        lock (_gate)
        {
            _pushToTalk = true;
            _pushToTalkHeld = held;
            ApplyLocked();
        }
    }

    private bool EffectiveMuteLocked() => _muted || (_pushToTalk && !_pushToTalkHeld);

    private void ApplyLocked()
    {
        if (_pump is null)
        {
            return;
        }

        if (EffectiveMuteLocked())
        {
            _pump.Mute();
        }
        else
        {
            _pump.Unmute();
        }
    }
}
