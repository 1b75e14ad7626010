using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using KonPro.Streaming.Realtime;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>Reads a chat socket's status as its users do: through <see cref="ChatSocket.Status"/>, which replays the latest.</summary>
internal static class ChatSocketStatusReading
{
    /// <summary>The socket's latest status (its replay to a new subscriber); fails when it has none in time.</summary>
    public static Task<ChatSocketStatus> LatestStatusAsync(this ChatSocket socket) =>
        socket.Status.FirstAsync().ToTask().WaitAsync(TestTimeouts.Wait);
}
