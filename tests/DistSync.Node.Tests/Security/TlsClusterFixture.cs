using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DistSync.Security;

namespace DistSync.Node.Tests.Security;

/// <summary>Three nodes with HTTPS and mutual TLS on remoting, their certificates from one cluster CA, shared by
/// <see cref="TlsClusterSpec"/>; <see cref="Https"/> trusts only that CA, as <c>dsync --ca</c> does.</summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    internal TlsMaterial Material { get; } = TlsMaterial.Create(3);
    internal InProcessCluster Cluster { get; private set; } = null!;

    /// <summary>HTTPS clients of each node trusting the cluster CA only.</summary>
    public HttpClient[] Https { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Cluster = await InProcessCluster.StartAsync(3, extraFor: i => Material.HoconFor(i));
        await Cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(90));
        Https = [.. Cluster.Nodes.Select(n => TrustingClient(Material.CaFile, n.HttpAddress))];
    }

    /// <summary>A client of <paramref name="address"/> trusting only the CA in <paramref name="caFile"/>.</summary>
    internal static HttpClient TrustingClient(string caFile, Uri address)
    {
        var trust = ClusterTrust.Load(caFile);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    trust.IsTrustedServer(certificate as X509Certificate2, errors, out _),
            },
        };
        return new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        foreach (var client in Https) client.Dispose();
        await Cluster.DisposeAsync();
        Material.Dispose();
    }
}
