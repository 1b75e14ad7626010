using System.Reactive.Concurrency;
using KonPro.AvatarWeb.Backend;
using KonPro.AvatarWeb.Sessions;
using KonPro.Streaming.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KonPro.AvatarWeb.Tests.Support;

/// <summary>
/// The sample in-process (WebApplicationFactory), offline on its embedded fake, without the room (no WebRTC outside a
/// network namespace): the server runs its sessions over the chat socket, the endpoints and lifetimes are the same.
/// Timers of the sessions run on a <see cref="HistoricalScheduler"/> the test advances.
/// </summary>
internal sealed class AvatarWebApp : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string?> _settings;

    private readonly bool _realTime;

    public AvatarWebApp(Dictionary<string, string?>? settings = null, bool realTime = false)
    {
        _realTime = realTime;
        _settings = new Dictionary<string, string?>
        {
            ["KonPro:JoinRoom"] = "false",
            ["KonPro:OfflineRoom"] = "false",
            ["AvatarWeb:IdleTimeout"] = "00:05:00",
            ["AvatarWeb:PageGone"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }

        // Real sockets on loopback (port 0), as a browser reaches the app; CreateClient() then talks to Kestrel.
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
    }

    public HistoricalScheduler Scheduler { get; } = new(DateTimeOffset.UnixEpoch);

    public KonProFakeServer Fake => Services.GetRequiredService<KonProBackend>().Offline!;

    public AvatarSessions Sessions => Services.GetRequiredService<AvatarSessions>();

    /// <summary>Where Kestrel listens (http://127.0.0.1:port).</summary>
    public Uri ServerAddress => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (!_realTime)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<IScheduler>(Scheduler));
        }
    }

    /// <summary>Advances the sessions' clock, as often as needed for a timer armed on another thread to fire.</summary>
    public async Task AdvanceUntilAsync(TimeSpan step, Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            Scheduler.AdvanceBy(step);
            await Task.Delay(20);
        }
    }

    public async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
