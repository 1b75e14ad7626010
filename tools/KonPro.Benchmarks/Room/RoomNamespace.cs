namespace KonPro.Benchmarks.Room;

/// <summary>
/// The rule every room benchmark keeps: it joins a LiveKit room over WebRTC, which ignores loopback, so it runs only
/// inside a network namespace made for it (eng/netns-run sets <c>KONPRO_NETNS_ADDRESS</c>) and refuses to run elsewhere.
/// </summary>
internal static class RoomNamespace
{
    /// <summary>True inside a namespace; otherwise writes how to run <paramref name="mode"/> there and returns false.</summary>
    public static async Task<bool> RequireAsync(string mode, TextWriter output)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("KONPRO_NETNS_ADDRESS")))
        {
            return true;
        }

        await output.WriteLineAsync($"{mode} joins a LiveKit room over WebRTC and runs only inside a network namespace: eng/netns-run dotnet tools/KonPro.Benchmarks/bin/Release/net10.0/KonPro.Benchmarks.dll {mode}");
        return false;
    }
}
