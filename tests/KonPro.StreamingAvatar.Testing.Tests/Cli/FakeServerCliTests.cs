using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace KonPro.Streaming.Testing.Tests.Cli;

public sealed partial class FakeServerCliTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_cli_prints_its_url_serves_the_api_and_admin_and_stops_on_sigterm()
    {
        using var process = Start("--port", "0", "--api-key", "cli-key", "--time-scale", "0.05");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait);
            var match = ReadyLine().Match(line ?? string.Empty);
            match.Success.Should().BeTrue(line);
            var url = match.Groups["url"].Value;
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = Wait };

            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/create_token") { Content = new StringContent("{}") };
            request.Headers.Add("x-api-key", "cli-key");
            using var answer = await http.SendAsync(request);
            using var admin = await http.GetAsync("/__admin/requests");

            answer.StatusCode.Should().Be(HttpStatusCode.OK);
            (await answer.Content.ReadAsStringAsync()).Should().Contain("\"token\":\"st_");
            admin.StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.Content.ReadAsStringAsync()).Should().Contain("/v1/streaming/create_token");
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
        process.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task The_cli_bounds_the_admin_request_log_to_the_size_it_is_given()
    {
        using var process = Start("--port", "0", "--request-log", "10");
        try
        {
            var match = ReadyLine().Match(await process.StandardOutput.ReadLineAsync().WaitAsync(Wait) ?? string.Empty);
            match.Success.Should().BeTrue();
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = Wait };
            for (var i = 0; i < 30; i++)
            {
                using var _ = await http.GetAsync($"/v1/streaming.list?probe={i}");
            }

            using var admin = await http.GetAsync("/__admin/requests");
            var logged = System.Text.Json.JsonDocument.Parse(await admin.Content.ReadAsStringAsync()).RootElement;

            // The bound trims in batches of a tenth, each time to one below it to make room for the request being
            // answered (here the listing itself, logged after it answers): from 9 to 1.1 times the bound, the newest kept.
            logged.GetArrayLength().Should().BeInRange(9, 11);
            logged.EnumerateArray().Select(e => e.GetProperty("Request").GetProperty("Url").GetString()).Should().Contain(u => u!.EndsWith("probe=29", StringComparison.Ordinal));
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
    }

    [Fact]
    public async Task The_cli_logs_to_standard_error_when_verbose()
    {
        using var process = Start("--port", "0", "--verbose");
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait);
            var url = ReadyLine().Match(line ?? string.Empty).Groups["url"].Value;
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = Wait };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/create_token") { Content = new StringContent("{}") };
            request.Headers.Add("x-api-key", KonProFakeServerOptions.DefaultApiKey);
            using var answer = await http.SendAsync(request);
            answer.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
        var log = await errors.WaitAsync(Wait);
        log.Should().Contain("createToken").And.NotContain(KonProFakeServerOptions.DefaultApiKey);
        (await process.StandardOutput.ReadToEndAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task The_cli_reports_a_port_in_use()
    {
        await using var busy = await KonProFakeServer.StartAsync();
        var port = new Uri(busy.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Start("--port", port);

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(1);
        error.Should().Contain("Could not start the fake server").And.Contain($"Port {port} on 127.0.0.1 is in use");
    }

    [Fact]
    public async Task The_cli_has_help()
    {
        using var process = Start("--help");

        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(0);
        output.Should().Contain("--port").And.Contain("--api-key").And.Contain("--time-scale");
    }

    [Fact]
    public async Task The_cli_rejects_an_unknown_event_delivery()
    {
        using var process = Start("--event-delivery", "everywhere");

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(2);
        error.Should().Contain("everywhere").And.Contain("room-only");
    }

    [Fact]
    public async Task The_cli_rejects_an_unknown_option()
    {
        using var process = Start("--bogus");

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(2);
        error.Should().Contain("bogus").And.Contain("--help");
    }

    [Fact]
    public async Task The_cli_prints_its_version()
    {
        using var process = Start("--version");

        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(0);
        output.Trim().Should().MatchRegex(@"^\d+\.\d+\.\d+");
    }

    [Fact]
    public async Task The_cli_rejects_an_out_of_range_value_before_starting()
    {
        using var process = Start("--port", "70000");

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(2);
        error.Should().Contain("--port must be between 0 and 65535");
    }

    [Fact]
    public async Task The_ready_line_names_every_address_a_fixed_port_binds()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait);

            line.Should().Be($"KonPro fake server listening on http://127.0.0.1:{port} (and http://[::1]:{port})");
            using var http = new HttpClient { Timeout = Wait };
            (await http.GetAsync($"http://127.0.0.1:{port}/openapi/")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
    }

    internal static Process Start(params string[] args) => Process.Start(StartInfo(args))!;

    internal static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliAssembly());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    internal static void Signal(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>tools/KonPro.FakeServer/bin/&lt;configuration&gt;/net10.0/KonPro.FakeServer.dll, built before the tests (a project reference).</summary>
    private static string CliAssembly()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Directory.Packages.props")))
        {
            root = root.Parent;
        }

        root.Should().NotBeNull("the tests run inside the repository");
        var path = Path.Combine(root!.FullName, "tools", "KonPro.FakeServer", "bin", configuration, framework, "KonPro.FakeServer.dll");
        File.Exists(path).Should().BeTrue(path);
        return path;
    }

    [GeneratedRegex(@"^KonPro fake server listening on (?<url>http://127\.0\.0\.1:\d+)$")]
    private static partial Regex ReadyLine();
}
