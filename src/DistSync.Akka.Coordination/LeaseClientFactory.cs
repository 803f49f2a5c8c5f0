using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DistSync.Client;
using DistSync.Security;

namespace DistSync.Akka.Coordination;

/// <summary>The <see cref="DistSyncClient"/> a lease talks through: its endpoints, per-request deadline, token and CA.</summary>
internal static class LeaseClientFactory
{
    public static DistSyncClient Create(DistSyncLeaseSettings settings)
    {
        var handler = new SocketsHttpHandler();
        if (settings.CaFile is { } caFile)
        {
            // Kept for the handler's lifetime: the callback uses it on every handshake.
            var trust = ClusterTrust.Load(caFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    trust.IsTrustedServer(certificate as X509Certificate2
                        ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())), errors, out _),
            };
        }
        var client = new DistSyncClient(settings.Endpoints, handler, settings.OperationTimeout);
        if (settings.TokenFile is { } tokenFile) client.AccessToken = File.ReadAllText(tokenFile).Trim();
        return client;
    }
}
