using KonPro.Streaming.TestSupport;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace KonPro.Streaming.LiveKit.Tests.Native;

public sealed class LiveKitPlatformTests
{
    [Theory]
    [InlineData(Architecture.X64, true, true, true)]
    [InlineData(Architecture.Arm64, true, true, false)]
    [InlineData(Architecture.X64, false, true, false)]
    [InlineData(Architecture.X64, true, false, false)]
    public void Only_glibc_linux_x64_has_the_native_library(Architecture architecture, bool linux, bool glibc, bool supported) =>
        LiveKitPlatform.IsSupportedPlatform(architecture, linux, glibc).Should().Be(supported);

    // The probe is looked up as LiveKit's Linux core spawns it: executable bits, which Windows does not have.
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_os_probe_the_core_runs_at_every_join_is_found_on_the_path_as_a_spawn_would_find_it()
    {
        var root = Directory.CreateTempSubdirectory("konpro-path-");
        try
        {
            var notExecutable = Directory.CreateDirectory(Path.Combine(root.FullName, "a")).FullName;
            var executable = Directory.CreateDirectory(Path.Combine(root.FullName, "b")).FullName;
            var later = Directory.CreateDirectory(Path.Combine(root.FullName, "c")).FullName;
            File.WriteAllText(Path.Combine(notExecutable, "probe"), "");
            File.WriteAllText(Path.Combine(executable, "probe"), "");
            File.SetUnixFileMode(Path.Combine(executable, "probe"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(later, "probe"), "");
            File.SetUnixFileMode(Path.Combine(later, "probe"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var missing = Path.Combine(root.FullName, "missing");

            LiveKitPlatform.FindOnPath("probe", $"{missing}::{notExecutable}:{executable}:{later}").Should().Be(Path.Combine(executable, "probe"), "the first executable one wins");
            LiveKitPlatform.FindOnPath("probe", $"{missing}:{notExecutable}").Should().BeNull();
            LiveKitPlatform.FindOnPath("probe", null).Should().BeNull();
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_unsupported_platform_error_names_the_platform_the_supported_ones_and_the_fallback()
    {
        var error = LiveKitPlatform.Unsupported("osx-arm64");

        error.Should().BeOfType<PlatformNotSupportedException>();
        error.Message.Should().Contain("osx-arm64").And.Contain("linux-x64").And.Contain("chat socket");
    }

    [Fact]
    public void This_linux_x64_test_host_is_supported_and_the_native_library_sits_beside_the_tests()
    {
        LiveKitPlatform.IsSupported.Should().Be(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64);
        if (LiveKitPlatform.IsSupported)
        {
            File.Exists(Path.Combine(AppContext.BaseDirectory, "liblivekit_ffi.so")).Should().BeTrue();
            File.Exists(Path.Combine(AppContext.BaseDirectory, "rtc-node.linux-x64-gnu.node")).Should().BeTrue();
        }
    }

    [Fact]
    public void The_native_version_the_library_reports_is_the_one_the_build_pins()
    {
        var targets = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "LiveKit", "build", "LiveKitNative.targets"));

        targets.Should().Contain($"<LiveKitNativeVersion>{LiveKitPlatform.NativeVersion}</LiveKitNativeVersion>")
            .And.Contain("<LiveKitNativePackage>@livekit/rtc-ffi-bindings-linux-x64-gnu</LiveKitNativePackage>");
    }
}
