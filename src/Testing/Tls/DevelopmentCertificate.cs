using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KonPro.Streaming.Testing.Tls;

/// <summary>
/// The fake's self-signed development certificate: created on first use for the hosts a test reaches the fake by, kept
/// in a folder as PEM (<see cref="CertificateFileName"/> for clients to trust, <see cref="KeyFileName"/> beside it) and
/// reused by later servers while it is valid for those hosts.
/// </summary>
internal static class DevelopmentCertificate
{
    public const string CertificateFileName = "konpro-fake-dev.crt";
    public const string KeyFileName = "konpro-fake-dev.key";
    private const string LockFileName = ".lock";

    /// <summary>The network namespace's address that eng/netns-run gives servers (and its environment variable).</summary>
    private const string NamespaceAddress = "10.77.0.1";

    /// <summary>The folder the certificate is kept in when the options name none.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("KONPRO_FAKE_CERT_DIR") is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var cache = OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "konpro", "fake-dev-cert");
    }

    /// <summary>The host names and addresses the certificate must name.</summary>
    public static IReadOnlyList<string> Hosts(KonProFakeServerOptions options)
    {
        var hosts = new List<string> { "localhost", "127.0.0.1", "::1", NamespaceAddress };
        foreach (var extra in new[] { Environment.GetEnvironmentVariable("KONPRO_NETNS_ADDRESS"), options.Room.AdvertisedHost })
        {
            if (!string.IsNullOrWhiteSpace(extra) && !hosts.Contains(extra.Trim('[', ']'), StringComparer.OrdinalIgnoreCase))
            {
                hosts.Add(extra.Trim('[', ']'));
            }
        }

        return hosts;
    }

    /// <summary>Loads the kept certificate, or creates (and keeps) a new one when there is none or it does not fit.</summary>
    /// <returns>The certificate with its private key, and the path of its PEM file.</returns>
    public static (X509Certificate2 Certificate, string PemPath, string KeyPath) LoadOrCreate(string directory, IReadOnlyList<string> hosts, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        var pemPath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);

        // Servers started at once (parallel tests, several processes) create one certificate: the first takes the lock.
        using var gate = Acquire(Path.Combine(directory, LockFileName));
        var now = time.GetUtcNow();
        if (TryLoad(pemPath, keyPath) is { } kept)
        {
            if (kept.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(7) && kept.NotBefore.ToUniversalTime() <= now.UtcDateTime && Names(kept, hosts))
            {
                return (kept, pemPath, keyPath);
            }

            kept.Dispose();
        }

        using var created = Create(hosts, now);
        WriteAtomically(pemPath, created.ExportCertificatePem());
        WriteAtomically(keyPath, created.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), privateFile: true);
        return (TryLoad(pemPath, keyPath) ?? throw new InvalidOperationException($"The development certificate written to '{pemPath}' could not be read back."), pemPath, keyPath);
    }

    private static X509Certificate2 Create(IReadOnlyList<string> hosts, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=KonPro fake server (development)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
    }

    private static X509Certificate2? TryLoad(string pemPath, string keyPath)
    {
        if (!File.Exists(pemPath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return ServerCertificate.Usable(X509Certificate2.CreateFromPemFile(pemPath, keyPath));
        }
        catch (CryptographicException)
        {
            return null; // damaged: made anew
        }
    }

    private static bool Names(X509Certificate2 certificate, IReadOnlyList<string> hosts)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return false;
        }

        var dns = extension.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var addresses = extension.EnumerateIPAddresses().ToHashSet();
        return hosts.All(h => IPAddress.TryParse(h, out var address) ? addresses.Contains(address) : dns.Contains(h));
    }

    private static void WriteAtomically(string path, string text, bool privateFile = false)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temporary, text);
        if (privateFile && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static FileStream Acquire(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
