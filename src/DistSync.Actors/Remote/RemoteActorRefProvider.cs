using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using DistSync.Actors.Remote.FailureDetection;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Transport;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Remote;

/// <summary>
/// Remoting for one <see cref="ActorSystem"/>: owns the TCP transport, resolves <c>dsync://sys@host:port/...</c>
/// paths of other systems to <see cref="RemoteActorRef"/>s, delivers inbound messages to local actors by path,
/// runs the heartbeat actor (phi-accrual failure detection of every monitored peer) and remote death watch.
/// Start it with <see cref="StartAsync"/>; it stops with the system or on <see cref="DisposeAsync"/>.
/// </summary>
public sealed class RemoteActorRefProvider : IRemoteActorRefProvider, IRemoteInboundHandler, IAsyncDisposable
{
    private const int RemoteRefCacheLimit = 10_000;

    private readonly ConcurrentDictionary<ActorPath, RemoteActorRef> _remoteRefs = new();
    private readonly ConditionalWeakTable<IActorRef, byte[]> _serializedPaths = new();
    private readonly ConditionalWeakTable<IActorRef, byte[]>.CreateValueCallback _serializePath;
    private readonly ConcurrentDictionary<Type, byte> _unserializableLogged = new();
    private readonly object _watchGate = new();
    private readonly Dictionary<Address, HashSet<(RemoteActorRef Watchee, IActorRef Watcher)>> _remoteWatches = new();
    private int _disposed;

    private RemoteActorRefProvider(ActorSystem system, RemoteTransport transport, FailureDetectorSettings failureDetector, Func<long> clockMs)
    {
        System = system;
        Transport = transport;
        FailureDetectorSettings = failureDetector;
        Monitor = new PeerMonitor(failureDetector, clockMs);
        _serializePath = r => Encoding.UTF8.GetBytes(System.SerializedPathOf(r));
    }

    public ActorSystem System { get; }

    public RemoteTransport Transport { get; }

    /// <summary><c>dsync://system@host:port</c> with the bound port.</summary>
    public Address LocalAddress => Transport.LocalAddress;

    public MessageTypeRegistry Registry => Transport.Registry;

    public FaultInjector Faults => Transport.Faults;

    public RemoteMetrics Metrics => Transport.Metrics;

    public FailureDetectorSettings FailureDetectorSettings { get; }

    /// <summary>Reachability and phi of every monitored peer.</summary>
    public PeerMonitor Monitor { get; }

    /// <summary>The heartbeat actor (under <c>/system</c>).</summary>
    public IActorRef HeartbeatActor { get; private set; } = ActorRefs.Nobody;

    /// <summary>
    /// Binds the remoting port, installs remoting in <paramref name="system"/> (its address becomes
    /// <c>dsync://name@host:port</c>) and starts heartbeating <see cref="RemotingOptions.MonitoredPeers"/>.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">the port is in use or the host cannot be bound</exception>
    public static async Task<RemoteActorRefProvider> StartAsync(ActorSystem system, IConfiguration? configuration = null, RemotingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        options ??= new RemotingOptions();
        var remoteSettings = options.Remote ?? RemoteSettings.FromConfiguration(configuration);
        var detectorSettings = options.FailureDetector ?? FailureDetectorSettings.FromConfiguration(configuration);
        detectorSettings.Validate();
        var registry = options.Registry ?? MessageTypeRegistry.CreateWithControlMessages();
        var clock = options.ClockMs ?? MonotonicMilliseconds;
        var transport = new RemoteTransport(system.Name, remoteSettings, registry, system.Log, options.Faults);
        var provider = new RemoteActorRefProvider(system, transport, detectorSettings, clock);
        try
        {
            await transport.StartAsync(provider).ConfigureAwait(false);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        system.UseRemoting(provider);
        foreach (var peer in options.MonitoredPeers)
        {
            provider.MonitorPeer(peer);
        }

        provider.HeartbeatActor = system.SystemActorOf(Props.Create(() => new RemoteHeartbeatActor(provider)), "remote-heartbeat");
        _ = system.WhenTerminated.ContinueWith(_ => provider.DisposeAsync().AsTask(), TaskScheduler.Default).Unwrap();
        return provider;
    }

    /// <summary>Heartbeats <paramref name="peer"/> from now on (connecting to it if needed); events follow on the EventStream.</summary>
    public void MonitorPeer(Address peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer == LocalAddress)
        {
            return;
        }

        if (peer.Host is null || peer.Port is null)
        {
            throw new ArgumentException($"'{peer}' is not a remote address (dsync://system@host:port)", nameof(peer));
        }

        if (Monitor.Monitor(peer))
        {
            Transport.Associate(peer);
        }
    }

    /// <summary>Reachability and current phi of every monitored peer (for /status).</summary>
    public IReadOnlyList<PeerStatus> PeerStatuses() => Monitor.Snapshot();

    public IActorRef ResolveRemote(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Address.Host is null || path.Address.Port is null || Transport.IsShutDown)
        {
            // Not reachable by remoting (or remoting has stopped): like a ref to nobody, Tell never throws.
            return ActorRefs.Nobody;
        }

        // Ask refs are short-lived: do not let them fill the cache.
        if (path.Elements.Count > 0 && path.Elements[0] == "temp")
        {
            return new RemoteActorRef(this, path, Transport.GetAssociation(path.Address));
        }

        if (_remoteRefs.TryGetValue(path, out var cached))
        {
            return cached;
        }

        if (_remoteRefs.Count >= RemoteRefCacheLimit)
        {
            _remoteRefs.Clear();
        }

        return _remoteRefs.GetOrAdd(path, p => new RemoteActorRef(this, p, Transport.GetAssociation(p.Address)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Transport.DisposeAsync().ConfigureAwait(false);
    }

    internal static long MonotonicMilliseconds() => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    internal byte[] SerializedPathBytes(IActorRef actorRef)
    {
        if (actorRef is RemoteActorRef remote)
        {
            return remote.PathUtf8;
        }

        return _serializedPaths.GetValue(actorRef, _serializePath);
    }

    internal void DeadLetter(object message, IActorRef? sender, IActorRef recipient) =>
        System.DeadLetters.Tell(new DeadLetter(message, sender ?? ActorRefs.Nobody, recipient), sender);

    /// <summary>Messages that are not registered protobuf messages: death-watch notices are translated, the rest refused.</summary>
    internal void TellNonProtobuf(RemoteActorRef recipient, object message, IActorRef? sender)
    {
        if (message is TerminatedNotice notice)
        {
            // A local actor watched on behalf of this remote watcher has stopped.
            Transport.SendControl(recipient.Path.Address, RemoteControlTypeIds.DeathWatchNotification, new DeathWatchNotification
            {
                Actor = System.SerializedPathOf(notice.Terminated.ActorRef),
                Watcher = recipient.Path.ToString(),
                ExistenceConfirmed = true,
            });
            return;
        }

        Metrics.UnserializableDrop();
        if (_unserializableLogged.TryAdd(message.GetType(), 0))
        {
            System.Log.Error(
                "Remoting: cannot send a {MessageType} to {Recipient}: only protobuf messages registered in the MessageTypeRegistry cross nodes (register it with a type id); message dropped to dead letters (logged once per type)",
                message.GetType().FullName, recipient.Path.ToString());
        }

        DeadLetter(message, sender, recipient);
    }

    internal void WatchRemote(RemoteActorRef watchee, IActorRef watcher)
    {
        lock (_watchGate)
        {
            if (!_remoteWatches.TryGetValue(watchee.Path.Address, out var watches))
            {
                _remoteWatches[watchee.Path.Address] = watches = [];
            }

            if (!watches.Add((watchee, watcher)))
            {
                return;
            }
        }

        // The node must be heartbeated so that its loss ends the watch.
        MonitorPeer(watchee.Path.Address);
        Transport.SendControl(watchee.Path.Address, RemoteControlTypeIds.WatchRemote, new WatchRemote
        {
            Watchee = watchee.Path.ToString(),
            Watcher = System.SerializedPathOf(watcher),
        });
    }

    internal void UnwatchRemote(RemoteActorRef watchee, IActorRef watcher)
    {
        lock (_watchGate)
        {
            if (!_remoteWatches.TryGetValue(watchee.Path.Address, out var watches) || !watches.Remove((watchee, watcher)))
            {
                return;
            }
        }

        Transport.SendControl(watchee.Path.Address, RemoteControlTypeIds.UnwatchRemote, new UnwatchRemote
        {
            Watchee = watchee.Path.ToString(),
            Watcher = System.SerializedPathOf(watcher),
        });
    }

    internal void StopRemote(RemoteActorRef actor) =>
        Transport.SendControl(actor.Path.Address, RemoteControlTypeIds.StopRemote, new StopRemote { Path = actor.Path.ToString() });

    /// <summary>The node stayed unreachable past unreachable-death-watch-after: every actor watched there counts as dead.</summary>
    internal void OnNodeUnreachableTooLong(Address peer)
    {
        List<(RemoteActorRef Watchee, IActorRef Watcher)> ended;
        lock (_watchGate)
        {
            if (!_remoteWatches.Remove(peer, out var watches) || watches.Count == 0)
            {
                return;
            }

            ended = [.. watches];
        }

        System.Log.Warning("Remoting: {Peer} unreachable for over {After}: {Count} remote watches end with Terminated", peer, FailureDetectorSettings.UnreachableDeathWatchAfter, ended.Count);
        foreach (var (watchee, watcher) in ended)
        {
            TerminatedNotice.Send(watcher, watchee);
        }
    }

    void IRemoteInboundHandler.OnMessage(InboundContext context, ReadOnlySpan<byte> recipientUtf8, ReadOnlySpan<byte> senderUtf8, IMessage message)
    {
        var recipient = ResolveRecipient(context, recipientUtf8);
        var sender = senderUtf8.IsEmpty ? null : ResolveSender(context, senderUtf8);
        if (recipient is null)
        {
            Metrics.UndeliverableMessage();
            DeadLetter(message, sender, System.DeadLetters);
            return;
        }

        recipient.Tell(message, sender);
    }

    void IRemoteInboundHandler.OnControl(Address from, uint typeId, IMessage message)
    {
        switch (message)
        {
            case HeartbeatRsp:
                Monitor.RecordHeartbeat(from);
                break;
            case WatchRemote watch:
                OnWatchRequest(from, watch);
                break;
            case UnwatchRemote unwatch:
                if (ResolveLocal(unwatch.Watchee) is IInternalActorRef unwatchee && ParseRemote(unwatch.Watcher) is { } unwatcher)
                {
                    unwatchee.RemoveWatcher(unwatcher);
                }

                break;
            case DeathWatchNotification notification:
                OnDeathWatchNotification(notification);
                break;
            case StopRemote stop:
                if (ResolveLocal(stop.Path) is IInternalActorRef toStop)
                {
                    toStop.Stop();
                }

                break;
            default:
                System.Log.Warning("Remoting: ignored control message {Type} (type id {TypeId}) from {Peer}", message.GetType().Name, typeId, from);
                break;
        }
    }

    void IRemoteInboundHandler.OnAssociated(Address peer, ulong peerUid) => System.EventStream.Publish(new AssociationUp(peer, peerUid));

    void IRemoteInboundHandler.OnDisassociated(Address peer) => System.EventStream.Publish(new AssociationDown(peer));

    private void OnWatchRequest(Address from, WatchRemote watch)
    {
        var watcher = ParseRemote(watch.Watcher);
        if (watcher is null)
        {
            System.Log.Warning("Remoting: watch request from {Peer} names an invalid watcher '{Watcher}'", from, watch.Watcher);
            return;
        }

        if (ResolveLocal(watch.Watchee) is IInternalActorRef watchee)
        {
            // When the watchee stops, its cell tells the RemoteActorRef a Terminated, which becomes a DeathWatchNotification.
            watchee.AddWatcher(watcher);
            return;
        }

        Transport.SendControl(from, RemoteControlTypeIds.DeathWatchNotification, new DeathWatchNotification
        {
            Actor = watch.Watchee,
            Watcher = watch.Watcher,
            ExistenceConfirmed = false,
        });
    }

    private void OnDeathWatchNotification(DeathWatchNotification notification)
    {
        if (!ActorPath.TryParse(notification.Actor, out var actorPath) || ResolveRemote(actorPath!) is not RemoteActorRef dead)
        {
            return;
        }

        var watcher = ResolveLocal(notification.Watcher);
        if (watcher is null)
        {
            return;
        }

        lock (_watchGate)
        {
            if (_remoteWatches.TryGetValue(dead.Path.Address, out var watches))
            {
                watches.Remove((dead, watcher));
            }
        }

        TerminatedNotice.Send(watcher, dead);
    }

    private IActorRef? ResolveRecipient(InboundContext context, ReadOnlySpan<byte> recipientUtf8)
    {
        if (context.LastRecipient is { } cached && recipientUtf8.SequenceEqual(context.LastRecipientUtf8) &&
            cached is not IInternalActorRef { IsTerminated: true })
        {
            return cached;
        }

        var resolved = ResolveLocal(Encoding.UTF8.GetString(recipientUtf8));
        if (resolved is not null)
        {
            context.LastRecipientUtf8 = recipientUtf8.ToArray();
            context.LastRecipient = resolved;
        }

        return resolved;
    }

    private IActorRef? ResolveSender(InboundContext context, ReadOnlySpan<byte> senderUtf8)
    {
        if (context.LastSender is { } cached && senderUtf8.SequenceEqual(context.LastSenderUtf8))
        {
            return cached;
        }

        var resolved = ParseRemote(Encoding.UTF8.GetString(senderUtf8));
        if (resolved is not null)
        {
            context.LastSenderUtf8 = senderUtf8.ToArray();
            context.LastSender = resolved;
        }

        return resolved;
    }

    /// <summary>A path of this system (never forwards: a misaddressed frame must not bounce between nodes).</summary>
    private IActorRef? ResolveLocal(string path)
    {
        if (!ActorPath.TryParse(path, out var parsed) || parsed!.Address != LocalAddress)
        {
            return null;
        }

        return System.TryResolveActorRef(parsed);
    }

    /// <summary>A path of another system as a remote ref (a local path resolves locally).</summary>
    private IActorRef? ParseRemote(string path)
    {
        if (!ActorPath.TryParse(path, out var parsed))
        {
            return null;
        }

        return parsed!.Address == LocalAddress ? System.TryResolveActorRef(parsed) : ResolveRemote(parsed);
    }
}
