using System.Net;
using DistSync.Security;

namespace DistSync.Node.Tests.Security;

/// <summary>Tests only: a cluster CA with certificates for n1..nN in a temporary folder, and the HOCON that points
/// a node at its own pair; <see cref="Foreign"/> is a second CA's folder for the refusal specs.</summary>
internal sealed class TlsMaterial : IDisposable
{
    private TlsMaterial(string root) => Root = root;

    public string Root { get; }
    public string Cluster => Path.Combine(Root, "cluster");
    public string Foreign => Path.Combine(Root, "foreign");
    public string CaFile => Path.Combine(Cluster, ClusterCertificateAuthority.CertificateFileName);

    public static TlsMaterial Create(int nodes)
    {
        var material = new TlsMaterial(Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N")));
        foreach (var dir in new[] { material.Cluster, material.Foreign })
        {
            using var ca = ClusterCertificateAuthority.Create(dir, "spec", TimeSpan.FromDays(30), DateTimeOffset.UtcNow);
            for (var i = 1; i <= nodes; i++)
                ca.IssueNode(dir, $"n{i}", ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(7), DateTimeOffset.UtcNow);
        }
        return material;
    }

    /// <summary>The <c>security.tls</c> block for node <paramref name="index"/> (0-based).</summary>
    public string HoconFor(int index, bool https = true, bool remoting = true) => $$"""
        security.tls {
          https = {{(https ? "on" : "off")}}
          remoting = {{(remoting ? "on" : "off")}}
          ca-file = "{{Slash(CaFile)}}"
          cert-file = "{{Slash(Path.Combine(Cluster, $"n{index + 1}.crt"))}}"
          key-file = "{{Slash(Path.Combine(Cluster, $"n{index + 1}.key"))}}"
        }
        """;

    private static string Slash(string path) => path.Replace("\\", "/");

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
