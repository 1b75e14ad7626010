using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KonPro.Streaming.Testing.Tls;

/// <summary>
/// The certificate a server with <see cref="KonProFakeServerOptions.UseHttps"/> serves: the configured one or the
/// development certificate, with PEM files of it for the room program (a Node child process).
/// </summary>
internal sealed class ServerCertificate : IDisposable
{
    private readonly string _scratch;

    private ServerCertificate(X509Certificate2 certificate, string? pemPath, string? roomCertificatePath, string? roomKeyPath)
    {
        Certificate = certificate;
        PemPath = pemPath;

        // WireMock takes the certificate as a file (it writes its settings to JSON, which an ECDSA key in memory breaks)
        // and the room program reads PEM: both are written where only this server uses them, and deleted with it.
        _scratch = Directory.CreateTempSubdirectory("konpro-fake-tls-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        PfxPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        PfxPath = Path.Combine(_scratch, "server.pfx");
        File.WriteAllBytes(PfxPath, certificate.Export(X509ContentType.Pkcs12, PfxPassword));
        if (roomCertificatePath is null || roomKeyPath is null)
        {
            roomCertificatePath = Path.Combine(_scratch, "server.crt");
            roomKeyPath = Path.Combine(_scratch, "server.key");
            File.WriteAllText(roomCertificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(roomKeyPath, PrivateKeyPem(certificate));
        }

        RoomCertificatePath = roomCertificatePath;
        RoomKeyPath = roomKeyPath;
    }

    /// <summary>The certificate and its key as a PKCS#12 file, for WireMock.</summary>
    public string PfxPath { get; }

    /// <summary>The password of <see cref="PfxPath"/> (random, per server).</summary>
    public string PfxPassword { get; }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A PEM file of the certificate (public part) that clients can trust; null for a configured PKCS#12 file.</summary>
    public string? PemPath { get; }

    /// <summary>The certificate in PEM for the room program.</summary>
    public string RoomCertificatePath { get; }

    /// <summary>Its private key in PEM for the room program.</summary>
    public string RoomKeyPath { get; }

    public static ServerCertificate Load(KonProFakeServerOptions options)
    {
        if (options.CertificatePath is not { } path)
        {
            var directory = options.DevelopmentCertificateDirectory is { Length: > 0 } configured ? Path.GetFullPath(configured) : DevelopmentCertificate.DefaultDirectory();
            var (development, pemPath, keyPath) = DevelopmentCertificate.LoadOrCreate(directory, DevelopmentCertificate.Hosts(options), options.TimeProvider);
            return new ServerCertificate(development, pemPath, pemPath, keyPath);
        }

        X509Certificate2 certificate;
        string? pem = null;
        try
        {
            var extension = Path.GetExtension(path);
            if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword, X509KeyStorageFlags.Exportable);
            }
            else
            {
                certificate = Usable(options.CertificatePassword is { } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.CertificateKeyPath)
                    : X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath));
                pem = Path.GetFullPath(path);
            }
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"Could not read the certificate '{path}' (a PKCS#12 .pfx/.p12 file, or a PEM certificate with its key): {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"The certificate '{path}' has no private key.");
        }

        return new ServerCertificate(certificate, pem, roomCertificatePath: null, roomKeyPath: null);
    }

    /// <summary>
    /// A certificate read from PEM, re-read from PKCS#12 so that every platform's TLS stack can use its key (Windows
    /// cannot use the ephemeral key of a PEM import for TLS).
    /// </summary>
    public static X509Certificate2 Usable(X509Certificate2 fromPem)
    {
        using (fromPem)
        {
            return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
        }
    }

    private static string PrivateKeyPem(X509Certificate2 certificate) =>
        certificate.GetECDsaPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? certificate.GetRSAPrivateKey()?.ExportPkcs8PrivateKeyPem()
        ?? throw new InvalidOperationException("Only RSA and ECDSA certificates are supported.");

    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
