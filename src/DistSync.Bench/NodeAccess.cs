using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using DistSync.Client;
using DistSync.Security;

namespace DistSync.Bench;

/// <summary>
/// How the bench reaches DistSync nodes: plain HTTP, or (<see cref="CreateSecure"/>) security fully on as
/// <c>./build.sh cluster --secure</c> runs it: a throwaway cluster CA, a certificate per node (SAN 127.0.0.1 and
/// localhost) for HTTPS and mTLS on Akka.Remote, a token signing key and an admin token. Every HttpClient and
/// DistSyncClient the bench points at a node is made here, so a secure run leaves no plain client behind.
/// </summary>
internal sealed class NodeAccess : IDisposable
{
    private readonly string? _dir;
    private readonly ClusterTrust? _trust;
    private readonly string? _token;
    private int _refusalShown;

    private NodeAccess(string? dir, ClusterTrust? trust, string? token) => (_dir, _trust, _token) = (dir, trust, token);

    public static NodeAccess Plain { get; } = new(null, null, null);

    public bool Secure => _trust is not null;

    /// <summary>
    /// Makes the secrets in <paramref name="dir"/> (new; deleted with the bench's work directory) for nodes n1..n<paramref name="nodes"/>.
    /// The shipped rate limits stay on: they are per client and node, and the bench's rates per node are below them.
    /// </summary>
    public static NodeAccess CreateSecure(string dir, int nodes)
    {
        var now = DateTimeOffset.UtcNow;
        var lifetime = TimeSpan.FromDays(1);
        using (var ca = ClusterCertificateAuthority.Create(dir, "dsync-bench", lifetime, now))
        {
            for (var i = 1; i <= nodes; i++) ca.IssueNode(dir, $"n{i}", ["localhost"], [IPAddress.Loopback], lifetime, now);
        }
        var keyFile = Path.Combine(dir, "token.key");
        ClusterSigningKey.Create(keyFile);
        var token = ClientTokens.Issue(ClusterSigningKey.Load(keyFile), "bench-admin", AccessRole.Admin, prefix: null, lifetime, now.UtcDateTime);
        return new NodeAccess(dir, ClusterTrust.Load(Path.Combine(dir, ClusterCertificateAuthority.CertificateFileName)), token);
    }

    /// <summary>The <c>--set</c> values node <c>n{index + 1}</c> needs on top of the bench's own (none when plain).</summary>
    public IReadOnlyList<string> NodeSets(int index)
    {
        if (_dir is null) return [];
        var node = Path.Combine(_dir, $"n{index + 1}");
        return
        [
            "dsync.security.enabled=on",
            $"dsync.security.token-key-file={Path.Combine(_dir, "token.key")}",
            "dsync.security.tls.https=on",
            "dsync.security.tls.remoting=on",
            $"dsync.security.tls.ca-file={Path.Combine(_dir, ClusterCertificateAuthority.CertificateFileName)}",
            $"dsync.security.tls.cert-file={node}.crt",
            $"dsync.security.tls.key-file={node}.key",
        ];
    }

    public Uri BaseAddress(int port) => new($"{(Secure ? "https" : "http")}://127.0.0.1:{port}/");

    /// <summary>A client of the node on <paramref name="port"/> with its own pooled connections, the bearer token set when secure.</summary>
    public HttpClient Http(int port, TimeSpan timeout)
    {
        var http = new HttpClient(Handler()) { BaseAddress = BaseAddress(port), Timeout = timeout };
        if (_token is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
        return http;
    }

    /// <summary>The typed client of the node on <paramref name="port"/>, <paramref name="timeout"/> per request.</summary>
    public DistSyncClient Client(int port, TimeSpan timeout) =>
        new([BaseAddress(port).ToString()], Handler(), timeout) { AccessToken = _token };

    public void Dispose() => _trust?.Dispose();

    /// <summary>Pooled connections for the client's life; when secure, HTTPS trusting only the bench's CA, not the system roots.</summary>
    private SocketsHttpHandler Handler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        if (_trust is { } trust)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (trust.IsTrustedServer(certificate as X509Certificate2, errors, out var reason)) return true;
                    // HttpClient reports only "rejected by the callback"; say why once
                    if (Interlocked.Exchange(ref _refusalShown, 1) == 0) Console.Error.WriteLine($"bench: a node's certificate was refused: {reason}");
                    return false;
                },
            };
        }
        return handler;
    }
}
