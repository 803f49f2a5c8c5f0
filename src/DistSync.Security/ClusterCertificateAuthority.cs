using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DistSync.Security;

/// <summary>
/// The cluster's own certificate authority (ECDSA P-256): <c>dsync certs init</c> makes it, <c>dsync certs issue</c>
/// signs node certificates with it. Nodes trust exactly this CA (<see cref="ClusterTrust"/>) for mutual TLS between
/// them and clients pin it for HTTPS, so no public CA is involved and a certificate from any other CA is refused.
/// The CA's key signs nothing else; keep <c>ca.key</c> off the nodes.
/// </summary>
public sealed class ClusterCertificateAuthority : IDisposable
{
    public const string CertificateFileName = "ca.crt";
    public const string KeyFileName = "ca.key";

    // TLS server and client authentication: every node certificate is both (each node dials and accepts).
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _certificate;

    private ClusterCertificateAuthority(X509Certificate2 certificate) => _certificate = certificate;

    /// <summary>The CA certificate with its private key.</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>Makes a new CA in <paramref name="directory"/> (<c>ca.crt</c> 0644, <c>ca.key</c> 0600); refuses to
    /// overwrite an existing one, since every node certificate signed by it would stop being trusted.</summary>
    public static ClusterCertificateAuthority Create(string directory, string clusterName, TimeSpan validity, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var certPath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        foreach (var path in new[] { certPath, keyPath })
            if (File.Exists(path)) throw new IOException($"{path} exists already; a new CA would make every node certificate it signed untrusted");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={clusterName} cluster CA, O=DistSync"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
        SecretFile.WriteNew(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", "a new CA would make every node certificate it signed untrusted");
        SecretFile.WritePublic(certPath, created.ExportCertificatePem() + "\n", "a new CA would make every node certificate it signed untrusted");
        return Load(directory);
    }

    /// <summary>Loads <c>ca.crt</c> and <c>ca.key</c> from <paramref name="directory"/>.</summary>
    public static ClusterCertificateAuthority Load(string directory)
    {
        var certPath = Path.Combine(directory, CertificateFileName);
        var keyPath = Path.Combine(directory, KeyFileName);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
            throw new FileNotFoundException($"no cluster CA in {directory} (needs {CertificateFileName} and {KeyFileName}; make one with 'dsync certs init --dir {directory}')");
        try
        {
            return new ClusterCertificateAuthority(X509Certificate2.CreateFromPemFile(certPath, keyPath));
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the cluster CA in {directory} does not load: {e.Message}", e);
        }
    }

    /// <summary>
    /// Signs a certificate for node <paramref name="node"/>, valid for TLS server and client authentication, with the
    /// node name, <paramref name="dnsNames"/> and <paramref name="addresses"/> as subject alternative names, and writes
    /// <c>&lt;node&gt;.crt</c> (the node certificate then the CA's) and <c>&lt;node&gt;.key</c> (0600) into
    /// <paramref name="directory"/>. Returns the certificate file's path. Existing files are an <see cref="IOException"/>
    /// unless <paramref name="replace"/> (a rotation): then both are replaced, each by a rename, so a node restarting
    /// meanwhile reads the old pair or the new one.
    /// </summary>
    public string IssueNode(string directory, string node, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan validity,
        DateTimeOffset now, bool replace = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        if (node.IndexOfAny(['/', '\\', ',', '=', '+', '"', '<', '>', ';']) >= 0 || node.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"'{node}' is not a node name (letters, digits, '-', '_' and '.')", nameof(node));
        var certPath = Path.Combine(directory, node + ".crt");
        var keyPath = Path.Combine(directory, node + ".key");
        const string why = "pass --replace to rotate it (rotating a node certificate needs only that node's restart)";
        if (!replace)
        {
            // checked for both before writing either, so a refusal leaves no half-issued pair behind
            foreach (var path in new[] { certPath, keyPath })
                if (File.Exists(path)) throw new IOException($"{path} exists already; {why}");
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={node}, O=DistSync"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(ServerAuthOid), new Oid(ClientAuthOid) }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Prepend(node).Distinct(StringComparer.OrdinalIgnoreCase)) names.AddDnsName(dns);
        foreach (var ip in addresses.Distinct()) names.AddIpAddress(ip);
        request.CertificateExtensions.Add(names.Build());
        var notAfter = now + validity;
        if (notAfter > _certificate.NotAfter) notAfter = _certificate.NotAfter; // a node certificate cannot outlive its CA
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        using var signed = request.Create(_certificate, now.AddMinutes(-5), notAfter, serial);
        var keyText = key.ExportPkcs8PrivateKeyPem() + "\n";
        var certText = signed.ExportCertificatePem() + "\n" + _certificate.ExportCertificatePem() + "\n";
        if (replace)
        {
            SecretFile.Replace(keyPath, keyText, secret: true);
            SecretFile.Replace(certPath, certText, secret: false);
        }
        else
        {
            SecretFile.WriteNew(keyPath, keyText, why);
            SecretFile.WritePublic(certPath, certText, why);
        }
        return certPath;
    }

    public void Dispose() => _certificate.Dispose();
}
