using System.Buffers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using DistSync.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DistSync.Node.Security;

/// <summary>
/// The node's TLS (<c>dsync.security.tls.*</c>): its certificate, presented to HTTPS clients and remoting peers, and
/// the cluster CA as the only trust. Remoting: Akka.Remote's DotNetty TLS with mutual authentication and
/// <see cref="ValidatePeer"/> as the validator, so a peer without TLS fails the handshake and a peer whose
/// certificate another CA signed is refused, logged and counted. HTTPS: Kestrel with the certificate, behind a check
/// that answers a plain HTTP request with a 400 naming https instead of a dropped connection.
/// </summary>
public sealed class NodeTls : IDisposable
{
    private const byte TlsHandshakeRecord = 0x16;
    private readonly Serilog.ILogger _log;
    private long _remotingRefused;
    private long _plainHttpRefused;
    private const int MaxPendingReasons = 1024;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _refusalReasons = new(StringComparer.Ordinal);

    private NodeTls(X509Certificate2 certificate, ClusterTrust trust, Serilog.ILogger log)
    {
        Certificate = certificate;
        Trust = trust;
        _log = log;
    }

    public X509Certificate2 Certificate { get; }

    public ClusterTrust Trust { get; }

    /// <summary>Where refusals are written besides the log (set once the audit log exists).</summary>
    public Action<string, string, string>? Audit { get; set; }

    /// <summary>Inbound remoting connections refused at the TLS handshake (no TLS, no certificate, another CA, expired).</summary>
    public long RemotingRefused => Interlocked.Read(ref _remotingRefused);

    /// <summary>Plain HTTP requests answered 400 on the HTTPS port.</summary>
    public long PlainHttpRefused => Interlocked.Read(ref _plainHttpRefused);

    /// <summary>Loads the certificate, key and CA named by <paramref name="settings"/>; a missing or bad file is a
    /// <see cref="Hosting.NodeStartupException"/>.</summary>
    public static NodeTls Load(SecuritySettings settings, Serilog.ILogger log)
    {
        try
        {
            var trust = ClusterTrust.Load(settings.CaFile);
            var certificate = NodeCertificate.Load(settings.CertFile, settings.KeyFile);
            if (!trust.IsTrusted(certificate, asServer: true, out var reason))
                throw new InvalidDataException($"this node's own certificate {settings.CertFile} is not trusted by {settings.CaFile}: {reason}");
            return new NodeTls(certificate, trust, log);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new Hosting.NodeStartupException($"cannot load the node's TLS material: {e.Message}", e);
        }
    }

    /// <summary>Akka.Remote's TLS: this certificate, mutual authentication, and our CA check of every peer.</summary>
    public DotNettySslSetup RemotingSetup() =>
        new(Certificate, suppressValidation: false, requireMutualAuthentication: true, customValidator: ValidatePeer);

    /// <summary>
    /// Accepts a remoting peer only with a node certificate of this cluster. Akka calls it on both sides of a
    /// handshake; the platform's verdict on the chain (against the system roots) is ignored, ours replaces it.
    /// </summary>
    public bool ValidatePeer(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors, ILoggingAdapter log)
    {
        if (Trust.IsTrustedPeer(certificate, out var reason)) return true;
        // kept for the handshake failure Akka reports next (RemotingHandshakeWatcher), which counts and audits it
        if (_refusalReasons.Count > MaxPendingReasons) _refusalReasons.Clear();
        _refusalReasons[remotePeer] = reason;
        _log.Debug("remoting peer {Peer} presented a certificate this cluster does not trust: {Reason}", remotePeer, reason);
        return false;
    }

    /// <summary>An inbound remoting connection whose TLS handshake failed: counted, logged and audited once, with the
    /// certificate check's reason when <see cref="ValidatePeer"/> gave one, else <paramref name="fallbackReason"/>.</summary>
    public void OnInboundHandshakeFailed(string remotePeer, string fallbackReason)
    {
        var reason = _refusalReasons.TryRemove(remotePeer, out var why) ? why : fallbackReason;
        Interlocked.Increment(ref _remotingRefused);
        _log.Warning("refused remoting connection from {Peer}: {Reason}", remotePeer, reason);
        Audit?.Invoke(remotePeer, "remoting.handshake", reason);
    }

    /// <summary>Kestrel's HTTPS on <paramref name="listen"/>, after the plain-HTTP check.</summary>
    public void UseHttps(ListenOptions listen)
    {
        listen.Use(next => connection => RefusePlainHttpAsync(connection, next));
        listen.UseHttps(Certificate);
    }

    // A TLS connection starts with a handshake record (0x16); anything else is plain HTTP (or garbage), answered in
    // plain text so a client sees why, then closed. The bytes are only looked at, so TLS reads them again.
    private async Task RefusePlainHttpAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        var read = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
        var first = read.Buffer.IsEmpty ? (byte?)null : read.Buffer.FirstSpan[0];
        input.AdvanceTo(read.Buffer.Start);
        if (first is null or TlsHandshakeRecord)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }
        Interlocked.Increment(ref _plainHttpRefused);
        var remote = connection.RemoteEndPoint?.ToString() ?? "unknown";
        _log.Information("refused a plain HTTP request from {Remote}: this port serves HTTPS only", remote);
        Audit?.Invoke(remote, "http.plain", "plain HTTP on the HTTPS port");
        var body = "{\"type\":\"about:blank\",\"title\":\"bad request\",\"status\":400,\"detail\":\"this node serves HTTPS only: call https://\"}";
        var response = $"HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes(response), connection.ConnectionClosed).ConfigureAwait(false);
        await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Trust.Dispose();
    }
}
