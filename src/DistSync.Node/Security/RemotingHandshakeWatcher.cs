using Akka.Actor;
using Akka.Event;

namespace DistSync.Node.Security;

/// <summary>
/// Turns Akka.Remote's log line of a refused inbound TLS handshake into a refusal of <see cref="NodeTls"/> (counted,
/// logged with its reason, audited). DotNetty's TLS handler is internal to Akka.Remote, so its error event is the
/// only place a refused connection shows: a plaintext peer never reaches our certificate check at all. The event is
/// an Error, so it is published at every log level but off. A spec pins the wording (a remoting peer without TLS).
/// </summary>
public sealed class RemotingHandshakeWatcher : ReceiveActor
{
    public const string Name = "remoting-handshake-watcher";
    private const string ServerSource = "TcpServerHandler";
    private const string Failed = "TLS handshake failed on channel";

    public RemotingHandshakeWatcher(NodeTls tls)
    {
        Receive<Error>(e =>
        {
            if (e.LogSource is null || !e.LogSource.Contains(ServerSource, StringComparison.Ordinal)) return;
            var text = e.Message?.ToString() ?? "";
            if (!text.StartsWith(Failed, StringComparison.Ordinal)) return;
            tls.OnInboundHandshakeFailed(RemoteOf(text), text.Contains("not an SSL/TLS record", StringComparison.Ordinal)
                ? "not a TLS connection (a peer without remoting TLS, or garbage)"
                : "TLS handshake failed (no certificate of the cluster CA)");
        });
    }

    /// <summary>Starts the watcher as a system actor of <paramref name="system"/>.</summary>
    public static IActorRef Start(ActorSystem system, NodeTls tls) =>
        ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new RemotingHandshakeWatcher(tls)), Name);

    // "TLS handshake failed on channel [[local]:port->[remote]:port](Id=...)": the peer is after the arrow
    internal static string RemoteOf(string text)
    {
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        if (arrow < 0) return "unknown";
        var end = text.IndexOf("](Id=", arrow, StringComparison.Ordinal);
        return end < 0 ? "unknown" : text[(arrow + 2)..end];
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(Error));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
