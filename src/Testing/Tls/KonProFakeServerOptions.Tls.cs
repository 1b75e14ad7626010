namespace KonPro.Streaming.Testing;

/// <content>The TLS settings.</content>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>
    /// Serves everything over TLS: REST on <c>https://</c>, the chat and realtime sockets on <c>wss://</c> and, with the
    /// room, its signalling on <c>wss://</c> (default false). The certificate is <see cref="CertificatePath"/>, or a
    /// development certificate created on first use (see <see cref="DevelopmentCertificateDirectory"/>) whose public part
    /// a test trusts (<see cref="KonProFakeServer.CertificatePemPath"/>).
    /// </summary>
    /// <remarks>
    /// Browsers open the chat socket of the official web SDK at <c>wss://&lt;host&gt;/v1/ws/streaming.chat</c>, port 443
    /// whatever port the base URL names: run a fake for a browser with <see cref="Port"/> 443 (as root, or inside a
    /// network namespace).
    /// </remarks>
    public bool UseHttps { get; set; }

    /// <summary>
    /// The server's certificate, with <see cref="UseHttps"/>: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>; its password in
    /// <see cref="CertificatePassword"/>) or a PEM certificate whose private key is in the same file or in
    /// <see cref="CertificateKeyPath"/>. Null (the default) uses the development certificate.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/> kept in a file of its own.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="CertificatePath"/>, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Where the development certificate is created on first use and kept (<c>konpro-fake-dev.crt</c>, the certificate in
    /// PEM, for clients to trust; <c>konpro-fake-dev.key</c>, its private key). Default: the
    /// <c>KONPRO_FAKE_CERT_DIR</c> environment variable when set, else <c>konpro/fake-dev-cert</c> under the user's cache
    /// directory. It is valid for <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c>, the network namespace's addresses
    /// (<c>10.77.0.1</c>, <c>KONPRO_NETNS_ADDRESS</c>) and <see cref="KonProFakeRoomOptions.AdvertisedHost"/>; a kept
    /// certificate that lacks one of these or expires within a week is replaced.
    /// </summary>
    public string? DevelopmentCertificateDirectory { get; set; }

    internal void ValidateTls()
    {
        if (!UseHttps && (CertificatePath ?? CertificateKeyPath) is not null)
        {
            throw new ArgumentException("A certificate needs UseHttps.", nameof(CertificatePath));
        }

        if (CertificateKeyPath is not null && CertificatePath is null)
        {
            throw new ArgumentException("CertificateKeyPath goes with a PEM CertificatePath.", nameof(CertificateKeyPath));
        }

        foreach (var (path, name) in new[] { (CertificatePath, nameof(CertificatePath)), (CertificateKeyPath, nameof(CertificateKeyPath)) })
        {
            if (path is not null && !File.Exists(path))
            {
                throw new ArgumentException($"No such file: '{path}'.", name);
            }
        }
    }
}
