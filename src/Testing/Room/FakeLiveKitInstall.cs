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

    /// <summary>Returns the folder to run the program from (its <c>node_modules</c> installed), installing it if needed.</summary>
    public static async Task<string> PrepareAsync(KonProFakeRoomOptions options, CancellationToken cancellationToken)
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
            return await InstallAsync(options, source, files, target, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> InstallAsync(KonProFakeRoomOptions options, string source, List<string> files, string target, CancellationToken cancellationToken)
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
        int code;
        string output;
        try
        {
            (code, output) = await RunAsync(npm, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], target, cancellationToken).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"The fake LiveKit room installs its dependencies with npm on first use, and '{npm}' was not found. " +
                "Install npm (it comes with Node.js) or set KonProFakeRoomOptions.NpmPath.", ex);
        }

        if (code != 0)
        {
            throw new InvalidOperationException(
                $"Installing the fake LiveKit room's dependencies failed ('{npm} ci' in {target} exited with {code}). " +
                $"The registry must be reachable on first use (run it once outside a network namespace). Output:{Environment.NewLine}{Tail(output)}");
        }

        await File.WriteAllTextAsync(Path.Combine(target, Marker), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return target;
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

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - 15)));
    }
}
