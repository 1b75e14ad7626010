using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Session;

/// <summary>
/// The first session does no work it can overlap: the room connector gets ready while <c>new</c> is in flight, and the
/// room join starts as soon as <c>new</c> has answered, before (and during) <c>start</c>. A close at any point in between
/// leaves nothing joined.
/// </summary>
public sealed class SessionStartOverlapTests
{
    [Fact]
    public async Task The_room_connector_gets_ready_while_new_is_still_unanswered()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var holding = new HoldingHandler("/v1/streaming/new");
        using var http = new HttpClient(holding);
        var connector = new GatedRoomConnector();
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), http, new StreamingAvatarOptions { RoomConnector = connector });

        var created = avatar.NewSessionAsync(new StartAvatarRequest());

        await holding.Held.Task.WaitAsync(FakeServerScope.Patience);
        await connector.Prepared.Task.WaitAsync(FakeServerScope.Patience);
        created.IsCompleted.Should().BeFalse("new is held on its way to the server");
        connector.Requests.Should().BeEmpty("there is no room to join before new answers");

        holding.Release();
        var session = await created.WaitAsync(FakeServerScope.Patience);
        session.SessionId.Should().NotBeNullOrEmpty();
        await Wait.UntilAsync(() => connector.Requests.Count == 1);
    }

    [Fact]
    public async Task The_room_join_begins_when_new_answers_before_start_is_called_and_the_room_is_shown_once_started()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new GatedRoomConnector();
        connector.Room.SetMediaReady();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });

        var session = await avatar.NewSessionAsync(new StartAvatarRequest());

        await Wait.UntilAsync(() => connector.Requests.Count == 1);
        connector.Requests.Single().SessionId.Should().Be(session.SessionId);
        scope.Calls(KonProOperationIds.StartSession).Should().BeEmpty("the join does not wait for start");
        avatar.Room.Should().BeNull("the room is the session's once the start has connected it");

        connector.Release();
        await avatar.StartSessionAsync();

        avatar.Room.Should().BeSameAs(connector.Room);
        connector.Requests.Should().ContainSingle("the start took the join already under way instead of joining again");
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task A_session_stopped_before_its_start_leaves_the_room_it_joined_early()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new GatedRoomConnector();
        connector.Release();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        var session = await avatar.NewSessionAsync(new StartAvatarRequest());
        await Wait.UntilAsync(() => connector.Joined);

        await avatar.StopAvatarAsync();

        connector.Room.Disposed.Should().BeTrue("the close leaves a room the session joined before it started");
        avatar.CurrentState.Should().Be(SessionState.Closed);
        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task A_close_while_the_join_is_in_flight_cancels_it()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new GatedRoomConnector();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        await avatar.NewSessionAsync(new StartAvatarRequest());
        await Wait.UntilAsync(() => connector.Requests.Count == 1);

        await avatar.StopAvatarAsync().WaitAsync(FakeServerScope.Patience);

        connector.CancelledJoins.Should().Be(1, "the close cancels the join it no longer needs");
        connector.Joined.Should().BeFalse();
        avatar.CurrentState.Should().Be(SessionState.Closed);
    }

    [Fact]
    public async Task A_join_that_finishes_after_the_close_leaves_the_room_it_got()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new GatedRoomConnector { IgnoresCancellation = true };
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        await avatar.NewSessionAsync(new StartAvatarRequest());
        await Wait.UntilAsync(() => connector.Requests.Count == 1);

        var stop = avatar.StopAvatarAsync();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Disconnecting);
        connector.Release();
        await stop.WaitAsync(FakeServerScope.Patience);

        connector.Joined.Should().BeTrue("this connector finished its join despite the cancellation");
        connector.Room.Disposed.Should().BeTrue("a room the join got after the close began is left by the join");
        avatar.Room.Should().BeNull();
        await events.WaitForCompletionAsync();
        events.Items.OfType<StreamDisconnected>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_failed_join_fails_the_start_with_its_own_error_and_closes_the_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var connector = new GatedRoomConnector { Failure = new InvalidOperationException("the room refused the token") };
        connector.Release();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { RoomConnector = connector });

        var start = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        (await start.Should().ThrowExactlyAsync<InvalidOperationException>()).Which.Message.Should().Be("the room refused the token");
        avatar.CurrentState.Should().Be(SessionState.Closed);
        scope.Calls(KonProOperationIds.StopSession).Should().ContainSingle("the session the server created is stopped");
    }

    /// <summary>Holds requests to one path before they leave the process, until the test releases them.</summary>
    private sealed class HoldingHandler(string path) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath == path)
            {
                Held.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A connector whose join waits until the test releases it, and which records what the SDK asked of it.</summary>
    private sealed class GatedRoomConnector : IAvatarRoomConnector
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _cancelledJoins;
        private volatile bool _joined;

        public InMemoryRoom Room { get; } = new();

        public TaskCompletionSource Prepared { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<AvatarRoomConnectRequest> Requests { get; } = [];

        public bool IgnoresCancellation { get; init; }

        public Exception? Failure { get; init; }

        public int CancelledJoins => Volatile.Read(ref _cancelledJoins);

        public bool Joined => _joined;

        public void Release() => _gate.TrySetResult();

        public Task PrepareAsync(CancellationToken cancellationToken = default)
        {
            Prepared.TrySetResult();
            return Task.CompletedTask;
        }

        public async Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default)
        {
            lock (Requests)
            {
                Requests.Add(request);
            }

            try
            {
                await (IgnoresCancellation ? _gate.Task : _gate.Task.WaitAsync(cancellationToken));
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelledJoins);
                throw;
            }

            if (Failure is not null)
            {
                throw Failure;
            }

            _joined = true;
            return Room;
        }
    }
}
