using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DistSync.Security;

namespace DistSync.Cli.Commands;

/// <summary>HTTPS to the nodes trusting only the cluster CA (<c>--ca</c>): the system's roots play no part, and the
/// certificate must name the host called.</summary>
public static class ClusterHttps
{
    public static SocketsHttpHandler Handler(string caFile)
    {
        ClusterTrust trust;
        try
        {
            trust = ClusterTrust.Load(caFile);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--ca {caFile}: {e.Message}", e);
        }
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    trust.IsTrustedServer(certificate as X509Certificate2 ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())),
                        errors, out _),
            },
        };
    }
}
