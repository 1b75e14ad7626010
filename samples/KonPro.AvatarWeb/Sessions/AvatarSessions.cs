using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Security.Cryptography;
using KonPro.AvatarWeb.Backend;
using KonPro.Streaming;
using KonPro.Streaming.Conversation;
using KonPro.Streaming.Rooms;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KonPro.AvatarWeb.Sessions;

/// <summary>
/// The app's sessions, one per browser: starts each (a session token from the API key, the avatar joined to the room as
/// the agent participant, a conversation on the model), finds them by id, and ends every one at shutdown.
/// </summary>
public sealed class AvatarSessions(
    KonProBackend backend,
    IChatClient model,
    IOptions<AvatarWebOptions> options,
    IOptions<LlmOptions> llm,
    IOptions<KonProServiceOptions> service,
    IScheduler scheduler,
    ILoggerFactory loggerFactory,
    IAvatarRoomConnector? roomConnector = null) : IHostedService
{
    private readonly ConcurrentDictionary<string, AvatarWebSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<AvatarSessions>();
    private int _reserved;

    /// <summary>The sessions running now.</summary>
    public int Count => _sessions.Count;

    /// <summary>The session with this id, if it runs.</summary>
    public AvatarWebSession? Find(string id) => _sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>Starts a session for a browser; null when <see cref="AvatarWebOptions.MaxSessions"/> run already.</summary>
    /// <param name="cancellationToken">Cancels starting (the request was aborted).</param>
    /// <returns>The started session, or null.</returns>
    public async Task<AvatarWebSession?> StartSessionAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _reserved) > options.Value.MaxSessions)
        {
            Interlocked.Decrement(ref _reserved);
            return null;
        }

        StreamingAvatar? avatar = null;
        try
        {
            // The API key stays here: it buys a single-use session token, and the session runs on that token.
            var token = await backend.Admin.CreateTokenAsync(cancellationToken).ConfigureAwait(false);
            avatar = new StreamingAvatar(
                new StreamingAvatarApiConfig { Token = token, BasePath = backend.BaseUrl },
                backend.Http,
                new StreamingAvatarOptions
                {
                    // The server joins the room as the agent participant; the browser joins as the user.
                    RoomConnector = service.Value.JoinRoom ? roomConnector : null,
                    RoomRole = RoomParticipantRole.Agent,
                    AutoKeepAlive = true,
                    LoggerFactory = loggerFactory,
                });
            var started = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = options.Value.AvatarName, Language = "en" }, cancellationToken).ConfigureAwait(false);
            var conversation = new AvatarConversation(avatar, model, new AvatarConversationOptions { SystemPrompt = llm.Value.SystemPrompt, LoggerFactory = loggerFactory });
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var session = new AvatarWebSession(id, avatar, conversation, started, options.Value, scheduler, _logger, onEnded: ended => Forget(ended.Id));
            _sessions[id] = session;
            Log.SessionStarted(_logger, id, started.SessionId, session.UserRoom);
            return session;
        }
        catch
        {
            Interlocked.Decrement(ref _reserved);
            if (avatar is not null)
            {
                await avatar.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Ends a session; false when none runs with that id.</summary>
    public async Task<bool> EndAsync(string id, string reason)
    {
        if (Find(id) is not { } session)
        {
            return false;
        }

        await session.EndAsync(reason).ConfigureAwait(false);
        return true;
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The app is stopping: every session ends (its KonPro session stopped) before the backend goes.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_sessions.Values.Select(s => s.EndAsync("server_shutdown"))).WaitAsync(cancellationToken).ConfigureAwait(false);

    private void Forget(string id)
    {
        if (_sessions.TryRemove(id, out _))
        {
            Interlocked.Decrement(ref _reserved);
        }
    }
}
