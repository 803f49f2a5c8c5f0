using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DistSync.Security;

namespace DistSync.Node.Tests.Security;

/// <summary>
/// The cluster CA and its trust check, without a node: what <c>dsync certs</c> writes and which certificates
/// <see cref="ClusterTrust"/> accepts for remoting peers and HTTPS servers.
/// </summary>
public sealed class ClusterTrustSpec : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private string Dir(string name) => Path.Combine(root, name);

    private X509Certificate2 Issue(string dir, string node, TimeSpan? validity = null, DateTimeOffset? now = null)
    {
        using var ca = ClusterCertificateAuthority.Load(dir);
        var path = ca.IssueNode(dir, node, ["localhost"], [IPAddress.Loopback], validity ?? TimeSpan.FromDays(30), now ?? Now);
        return NodeCertificate.Load(path, Path.Combine(dir, node + ".key"));
    }

    [Fact]
    public void A_node_certificate_of_the_cluster_CA_is_trusted_for_both_TLS_uses_and_carries_its_names()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        using var trust = ClusterTrust.Load(Path.Combine(Dir("a"), "ca.crt"));
        using var n1 = Issue(Dir("a"), "n1");
        Assert.True(n1.HasPrivateKey);
        Assert.True(trust.IsTrustedPeer(n1, out var reason), reason);
        Assert.True(trust.IsTrusted(n1, asServer: true, out reason), reason);
        Assert.True(trust.IsTrusted(n1, asServer: false, out reason), reason);
        Assert.True(trust.IsTrustedServer(n1, SslPolicyErrors.None, out reason), reason);
        Assert.True(n1.MatchesHostname("n1"));
        Assert.True(n1.MatchesHostname("localhost"));
        Assert.False(n1.MatchesHostname("n2"));
    }

    [Fact]
    public void A_certificate_signed_by_another_CA_with_the_same_names_is_refused()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        ClusterCertificateAuthority.Create(Dir("b"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        using var trust = ClusterTrust.Load(Path.Combine(Dir("a"), "ca.crt"));
        using var foreign = Issue(Dir("b"), "n1");
        Assert.False(trust.IsTrustedPeer(foreign, out var reason));
        Assert.NotEmpty(reason);
        Assert.False(trust.IsTrustedServer(foreign, SslPolicyErrors.None, out _));
        Assert.False(trust.IsTrustedPeer(null, out reason));
        Assert.Contains("no certificate", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_node_certificate_is_refused()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now - TimeSpan.FromDays(30)).Dispose();
        using var trust = ClusterTrust.Load(Path.Combine(Dir("a"), "ca.crt"));
        using var expired = Issue(Dir("a"), "n1", TimeSpan.FromDays(1), Now - TimeSpan.FromDays(10));
        Assert.False(trust.IsTrustedPeer(expired, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void An_HTTPS_server_whose_certificate_does_not_name_the_host_called_is_refused()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        using var trust = ClusterTrust.Load(Path.Combine(Dir("a"), "ca.crt"));
        using var n1 = Issue(Dir("a"), "n1");
        Assert.False(trust.IsTrustedServer(n1, SslPolicyErrors.RemoteCertificateNameMismatch, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Issuing_twice_is_refused_without_replace_and_a_replacement_is_a_new_trusted_key()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        using var first = Issue(Dir("a"), "n1");
        using (var ca = ClusterCertificateAuthority.Load(Dir("a")))
        {
            var again = Assert.Throws<IOException>(() => ca.IssueNode(Dir("a"), "n1", [], [IPAddress.Loopback], TimeSpan.FromDays(1), Now));
            Assert.Contains("--replace", again.Message, StringComparison.Ordinal);
            ca.IssueNode(Dir("a"), "n1", [], [IPAddress.Loopback], TimeSpan.FromDays(1), Now, replace: true);
        }
        using var second = NodeCertificate.Load(Path.Combine(Dir("a"), "n1.crt"), Path.Combine(Dir("a"), "n1.key"));
        Assert.NotEqual(first.GetPublicKeyString(), second.GetPublicKeyString());
        using var trust = ClusterTrust.Load(Path.Combine(Dir("a"), "ca.crt"));
        Assert.True(trust.IsTrustedPeer(second, out var reason), reason);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Dir("a"), "n1.key")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Dir("a"), "ca.key")));
        }
    }

    [Fact]
    public void A_second_CA_in_the_same_folder_is_refused_and_the_first_kept()
    {
        ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now).Dispose();
        var before = File.ReadAllText(Path.Combine(Dir("a"), "ca.crt"));
        Assert.Throws<IOException>(() => ClusterCertificateAuthority.Create(Dir("a"), "spec", TimeSpan.FromDays(365), Now));
        Assert.Equal(before, File.ReadAllText(Path.Combine(Dir("a"), "ca.crt")));
    }
}
