using System.Diagnostics;
using System.Text.Json;
using KonPro.Benchmarks.Room;

namespace KonPro.Streaming.Testing.Tests.Benchmarks;

/// <summary>
/// The benchmarks' --versus-official harness (tools/KonPro.Benchmarks/Room/VersusTable.cs is compiled into these
/// tests): its statistics and verdicts, the official side's refusal to join a room outside a network namespace, and the
/// official SDK's pin. The comparison itself joins a room and runs only inside eng/netns-run; no timing is asserted.
/// </summary>
public sealed class VersusOfficialHarnessTests
{
    private static readonly string Official = Path.Combine(RepositoryPaths.Root, "tools", "KonPro.Benchmarks", "Official");

    [Fact]
    public void The_median_and_p90_are_nearest_rank_over_the_unsorted_samples()
    {
        double[] samples = [10, 3, 7, 1, 9, 2, 8, 4, 6, 5, 20, 11, 12, 13, 14, 15, 16, 17, 18, 19];

        VersusTable.Percentile(samples, 50).Should().Be(10);
        VersusTable.Percentile(samples, 90).Should().Be(18);
        VersusTable.Percentile([42], 90).Should().Be(42);
        VersusTable.Percentile([], 50).Should().Be(double.NaN);
    }

    [Fact]
    public void The_ratio_is_dotnet_over_official_and_the_bar_holds_only_when_both_the_median_and_p90_are_within_it()
    {
        var faster = new VersusFigure("faster", [8, 9, 10, 11, 12], [10, 11, 12, 13, 14], Bar: 1.0);
        var longTail = new VersusFigure("long tail", [8, 9, 10, 11, 30], [10, 11, 12, 13, 14], Bar: 1.0);
        var noBar = new VersusFigure("no bar", [1], [2], Bar: null);

        VersusTable.Ratios(faster).Should().Be((10.0 / 12, 12.0 / 14));
        VersusTable.Meets(faster).Should().BeTrue();
        VersusTable.Ratios(longTail).P90.Should().BeApproximately(30.0 / 14, 1e-12);
        VersusTable.Meets(longTail).Should().BeFalse("the median is within the bar but p90 is not");
        VersusTable.Meets(noBar).Should().BeFalse();
    }

    [Fact]
    public void The_table_has_a_line_per_figure_with_both_sides_the_ratios_and_the_verdict()
    {
        var table = VersusTable.Render(
        [
            new VersusFigure("warm: speak -> avatar_start_talking", [8, 9, 10, 11, 12], [10, 11, 12, 13, 14], Bar: 1.0),
            new VersusFigure("cold (jit): process start -> stream_ready", [400, 500], [200, 250], Bar: 1.5),
            new VersusFigure("cold (r2r): process start -> stream_ready", [300], [200], Bar: null),
        ]);

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().HaveCount(4);
        lines[0].Should().Contain(".NET median / p90 ms").And.Contain("official median / p90 ms");
        lines[1].Should().Contain("5/5").And.Contain("10.0 / 12.0").And.Contain("12.0 / 14.0").And.Contain("0.83x / 0.86x").And.EndWith("met (<= 1.0x)");
        lines[2].Should().Contain("400.0 / 500.0").And.Contain("200.0 / 250.0").And.Contain("2.00x / 2.00x").And.EndWith("missed (<= 1.5x)");
        lines[3].Should().Contain("1.50x / 1.50x").And.EndWith("none");
    }

    [Theory]
    [InlineData("official.mjs", "cold")]
    [InlineData("official.mjs", "serve")]
    [InlineData("core-join.mjs", "serve")]
    public async Task The_Node_sides_refuse_to_join_a_room_outside_a_network_namespace(string script, string mode)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Official,
        };
        foreach (var argument in new[] { script, mode, "http://127.0.0.1:9", "token" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("KONPRO_NETNS_ADDRESS");
        using var node = Process.Start(start)!;
        var stderr = node.StandardError.ReadToEndAsync();
        var stdout = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        node.ExitCode.Should().Be(2);
        (await stderr).Should().Contain("runs only inside a network namespace").And.Contain("eng/netns-run");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public void The_official_SDK_is_pinned_with_its_own_livekit_client_by_the_lock_file()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Official, "package.json")));
        using var locked = JsonDocument.Parse(File.ReadAllText(Path.Combine(Official, "package-lock.json")));
        var packages = locked.RootElement.GetProperty("packages");

        package.RootElement.GetProperty("dependencies").GetProperty("@heygen/streaming-avatar").GetString().Should().Be("2.1.0");
        package.RootElement.GetProperty("dependencies").TryGetProperty("livekit-client", out _).Should().BeFalse("livekit-client is the official SDK's own dependency, at its own pin");
        packages.GetProperty("node_modules/@heygen/streaming-avatar").GetProperty("version").GetString().Should().Be("2.1.0");
        packages.GetProperty("node_modules/@heygen/streaming-avatar").GetProperty("dependencies").GetProperty("livekit-client").GetString().Should().Be("2.11.3");
        packages.GetProperty("node_modules/livekit-client").GetProperty("version").GetString().Should().Be("2.11.3");
        packages.GetProperty("node_modules/@livekit/rtc-node").GetProperty("version").GetString().Should().Be("1.1.0", "the same core-join client as the room tests' rtc-node client");
    }
}
