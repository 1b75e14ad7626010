using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KonPro.Streaming.TestSupport;

/// <summary>
/// Trusts one certificate (the fake's development certificate, exported as PEM) as a root, in a test's own client only:
/// the chain must end at it and the name must match the host. Nothing else is relaxed.
/// </summary>
internal static class CertificateTrust
{
    /// <summary>A validation callback for <see cref="SslClientAuthenticationOptions"/> and ClientWebSocketOptions.</summary>
    public static RemoteCertificateValidationCallback Only(X509Certificate2 trusted) =>
        (_, certificate, _, errors) => Validates(trusted, certificate, errors);

    /// <summary>An HTTP handler that trusts <paramref name="trusted"/> (and nothing the machine does not already trust).</summary>
    public static HttpClientHandler Handler(X509Certificate2 trusted) =>
        new() { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => Validates(trusted, certificate, errors) };

    /// <summary>The exported PEM file read back, as a client would load it.</summary>
    public static X509Certificate2 FromPem(string path) => X509CertificateLoader.LoadCertificate(System.Text.Encoding.ASCII.GetBytes(File.ReadAllText(path)));

    private static bool Validates(X509Certificate2 trusted, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
