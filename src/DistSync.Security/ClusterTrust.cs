using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DistSync.Security;

/// <summary>
/// Trusts exactly the cluster CA: a peer's certificate is accepted only if it chains to <c>ca.crt</c>, is within
/// its validity and allows the TLS use asked for. The system's root store plays no part, so a certificate from a
/// public or any other CA is refused, whatever it says.
/// </summary>
public sealed class ClusterTrust : IDisposable
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2 _ca;

    private ClusterTrust(X509Certificate2 ca) => _ca = ca;

    /// <summary>SHA-256 thumbprint of the CA, for logs.</summary>
    public string CaThumbprint => _ca.GetCertHashString(HashAlgorithmName.SHA256)[..16].ToLowerInvariant();

    /// <summary>Reads the CA certificate (<c>ca.crt</c>, PEM).</summary>
    public static ClusterTrust Load(string caFile)
    {
        if (!File.Exists(caFile)) throw new FileNotFoundException($"the cluster CA certificate {caFile} does not exist (make one with 'dsync certs init')", caFile);
        try
        {
            return new ClusterTrust(X509CertificateLoader.LoadCertificateFromFile(caFile));
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the cluster CA certificate {caFile} does not load: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> is a node certificate of this cluster, valid for TLS
    /// <paramref name="asServer"/> (a peer we dialled, or a node a client called) or client authentication (a peer
    /// that dialled us). <paramref name="reason"/> says why not, for the refusal's log line.
    /// </summary>
    public bool IsTrusted(X509Certificate2? certificate, bool asServer, out string reason) =>
        IsTrusted(certificate, [asServer ? ServerAuthOid : ClientAuthOid], out reason);

    /// <summary>Whether <paramref name="certificate"/> is a node certificate of this cluster valid for both TLS uses:
    /// a remoting peer is both (the validator is not told which side of the handshake it runs on).</summary>
    public bool IsTrustedPeer(X509Certificate2? certificate, out string reason) =>
        IsTrusted(certificate, [ServerAuthOid, ClientAuthOid], out reason);

    private bool IsTrusted(X509Certificate2? certificate, string[] uses, out string reason)
    {
        if (certificate is null)
        {
            reason = "no certificate presented";
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        // A private CA publishes no revocation lists: rotation replaces a node's certificate instead.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var use in uses) chain.ChainPolicy.ApplicationPolicy.Add(new Oid(use));
        if (!chain.Build(certificate))
        {
            var statuses = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct();
            reason = $"'{certificate.Subject}' (issuer '{certificate.Issuer}') does not chain to the cluster CA: {string.Join(", ", statuses)}";
            return false;
        }
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(_ca.RawDataMemory.Span))
        {
            reason = $"'{certificate.Subject}' chains to '{root.Subject}', not to the cluster CA";
            return false;
        }
        reason = "";
        return true;
    }

    /// <summary>
    /// An HTTPS client's check of a node: the chain as in <see cref="IsTrusted"/>, and the name it was called by must
    /// be one of the certificate's (only the name check of the platform's verdict is kept; its chain verdict, against
    /// the system roots, is replaced by ours).
    /// </summary>
    public bool IsTrustedServer(X509Certificate2? certificate, SslPolicyErrors errors, out string reason)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            reason = $"the node's certificate '{certificate?.Subject}' is not for the host name called";
            return false;
        }
        return IsTrusted(certificate, asServer: true, out reason);
    }

    public void Dispose() => _ca.Dispose();
}
