using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DistSync.Security;

/// <summary>Loads a node's certificate and private key (PEM files from <c>dsync certs issue</c>) in the form TLS needs.</summary>
public static class NodeCertificate
{
    /// <summary>
    /// The certificate in <paramref name="certFile"/> (its first PEM block) with the key in <paramref name="keyFile"/>.
    /// Round-tripped through PKCS#12 so the key is a persisted one: SslStream needs that on some platforms.
    /// </summary>
    public static X509Certificate2 Load(string certFile, string keyFile)
    {
        foreach (var path in new[] { certFile, keyFile })
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist (make node certificates with 'dsync certs issue <node>')", path);
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"the node certificate {certFile} with key {keyFile} does not load: {e.Message}", e);
        }
    }
}
