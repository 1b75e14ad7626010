using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// Finds the room program that ships beside this assembly (folder <c>FakeLiveKit</c>: package.json, its lock file and
/// sources), checks Node.js, and installs the program's dependencies once from the lock file (<c>npm ci</c>) into a
/// cache folder named by the hash of those files. Concurrent installs (parallel test processes) take turns on a lock file.
/// </summary>
internal static class FakeLiveKitInstall
{
    public const string ProgramFolder = "FakeLiveKit";
    public const int MinimumNodeMajor = 20;
    private const string Marker = ".installed";

    /// <summary>npm's codes of a registry it cannot reach at all (rather than one that answers).</summary>
    private static readonly string[] UnreachableCodes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH", "ECONNRESET", "ERR_SOCKET_TIMEOUT"];

    /// <summary>Returns the folder to run the program from (its <c>node_modules</c> installed), installing it if needed.</summary>
    /// <param name="options">The room settings.</param>
    /// <param name="progress">Told when a first-use install begins and when it is done (how long it took); null for silence.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    public static async Task<string> PrepareAsync(KonProFakeRoomOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var source = LocateProgram();
        await CheckNodeAsync(options.NodePath, cancellationToken).ConfigureAwait(false);
        var files = ProgramFiles(source);
        var root = CacheRoot(options);
        var target = Path.Combine(root, Hash(source, files));
        if (File.Exists(Path.Combine(target, Marker)))
        {
            return target;
        }

        Directory.CreateDirectory(root);
        var gate = await AcquireAsync(target + ".lock", cancellationToken).ConfigureAwait(false);
        await using (gate.ConfigureAwait(false))
        {
            return await InstallAsync(options, source, files, target, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    // First from npm's own cache (no network: works inside a network namespace when the packages were fetched before);
    // then, when the registry cannot be reached at all, fail at once naming --install-room rather than let npm retry for
    // minutes; else the install proper.
    private static async Task<string> InstallAsync(KonProFakeRoomOptions options, string source, List<string> files, string target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(target, Marker)))
        {
            return target;
        }

        foreach (var file in files)
        {
            var destination = Path.Combine(target, file);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(source, file), destination, overwrite: true);
        }

        var npm = options.NpmPath ?? NpmBesideNode(options.NodePath);
        progress?.Report($"Installing the fake LiveKit room's dependencies (first use: npm ci from its lock file) into {target}; `konpro-fake-server --install-room` does it ahead of time ...");
        var started = Stopwatch.GetTimestamp();
        string[] install = ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
        var (code, output) = await RunNpmAsync(npm, [.. install, "--offline"], target, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var (pingCode, pingOutput) = await RunNpmAsync(npm, ["ping", "--fetch-retries=0", "--fetch-timeout=5000"], target, cancellationToken).ConfigureAwait(false);
            if (pingCode != 0 && UnreachableCodes.FirstOrDefault(c => pingOutput.Contains(c, StringComparison.Ordinal)) is { } unreachable)
            {
                throw new InvalidOperationException(
                    "The fake LiveKit room's dependencies are not installed, and the npm registry cannot be reached to install them " +
                    $"('{npm} ping' failed with {unreachable}). Install them once where the registry is reachable, " +
                    "before entering a network namespace: `konpro-fake-server --install-room` (or KonProFakeServer.InstallRoomAsync), " +
                    $"with the same cache folder ({Path.GetDirectoryName(target)}; KONPRO_FAKE_LIVEKIT_CACHE or KonProFakeRoomOptions.CacheDirectory).");
            }

            (code, output) = await RunNpmAsync(npm, [.. install, "--prefer-offline"], target, cancellationToken).ConfigureAwait(false);
        }

        if (code != 0)
        {
            throw new InvalidOperationException(
                $"Installing the fake LiveKit room's dependencies failed ('{npm} ci' in {target} exited with {code}). " +
                "The registry must be reachable on first use (run `konpro-fake-server --install-room` once outside a network namespace). " +
                $"Output:{Environment.NewLine}{Tail(output, 15)}");
        }

        await File.WriteAllTextAsync(Path.Combine(target, Marker), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"Installed the fake LiveKit room's dependencies in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s."));
        return target;
    }

    private static async Task<(int Code, string Output)> RunNpmAsync(string npm, string[] arguments, string target, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(npm, arguments, target, cancellationToken).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"The fake LiveKit room installs its dependencies with npm on first use, and '{npm}' was not found. " +
                "Install npm (it comes with Node.js) or set KonProFakeRoomOptions.NpmPath.", ex);
        }
    }

    public static string LocateProgram()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, ProgramFolder),
            Path.Combine(Path.GetDirectoryName(typeof(FakeLiveKitInstall).Assembly.Location) ?? AppContext.BaseDirectory, ProgramFolder),
        ];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "package-lock.json")) && File.Exists(Path.Combine(c, "src", "main.js")))
            ?? throw new InvalidOperationException(
                $"The fake LiveKit room program is missing: expected package.json, package-lock.json and src/main.js in {candidates[0]} " +
                "(the KonPro.StreamingAvatar.Testing package copies them to the output folder).");
    }

    public static async Task CheckNodeAsync(string node, CancellationToken cancellationToken)
    {
        (int Code, string Output) result;
        try
        {
            result = await RunAsync(node, ["--version"], null, cancellationToken).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"The fake LiveKit room needs Node.js {MinimumNodeMajor} or later with npm, and '{node}' was not found. " +
                "Install Node.js and put it on the PATH, or set KonProFakeRoomOptions.NodePath.", ex);
        }

        var version = result.Output.Trim().TrimStart('v');
        var major = int.TryParse(version.Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : 0;
        if (result.Code != 0 || major < MinimumNodeMajor)
        {
            throw new InvalidOperationException(
                $"The fake LiveKit room needs Node.js {MinimumNodeMajor} or later; '{node} --version' answered '{result.Output.Trim()}'.");
        }
    }

    private static string NpmBesideNode(string node)
    {
        var folder = Path.GetDirectoryName(node);
        if (!string.IsNullOrEmpty(folder))
        {
            var beside = Path.Combine(folder, OperatingSystem.IsWindows() ? "npm.cmd" : "npm");
            if (File.Exists(beside))
            {
                return beside;
            }
        }

        return OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
    }

    private static List<string> ProgramFiles(string source) =>
    [
        "package.json",
        "package-lock.json",
        .. Directory.EnumerateFiles(Path.Combine(source, "src"), "*.js")
            .Select(f => Path.GetRelativePath(source, f))
            .Order(StringComparer.Ordinal),
    ];

    private static string Hash(string source, List<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Replace('\\', '/') + "\n"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(source, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string CacheRoot(KonProFakeRoomOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.CacheDirectory))
        {
            return Path.GetFullPath(options.CacheDirectory);
        }

        if (Environment.GetEnvironmentVariable("KONPRO_FAKE_LIVEKIT_CACHE") is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var cache = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "konpro", "fake-livekit");
    }

    private static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{file}'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }

    private static string Tail(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - count)));
    }
}
