using DistSync.Actors.Remote.FailureDetection;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;

namespace DistSync.Actors.Remote;

/// <summary>
/// One per node (<c>/system/remote-heartbeat</c>). Every heartbeat-interval it sends a heartbeat to each
/// monitored peer it is connected to (the answers are recorded by the transport straight into the
/// detectors), then re-judges every peer and publishes <see cref="PeerUp"/>, <see cref="Unreachable"/> and
/// <see cref="Reachable"/> on the EventStream; a peer unreachable beyond unreachable-death-watch-after ends
/// the remote watches of actors on it.
/// </summary>
internal sealed class RemoteHeartbeatActor : ReceiveActor, IWithTimers
{
    private readonly RemoteActorRefProvider _provider;
    private ulong _sequence;

    public RemoteHeartbeatActor(RemoteActorRefProvider provider)
    {
        _provider = provider;
        Receive<Tick>(_ => OnTick());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, _provider.FailureDetectorSettings.HeartbeatInterval);

    private void OnTick()
    {
        var transport = _provider.Transport;
        if (transport.IsShutDown)
        {
            return;
        }

        var heartbeat = new Heartbeat { From = transport.LocalAddressData, Sequence = ++_sequence };
        foreach (var peer in _provider.Monitor.Peers)
        {
            var association = transport.GetAssociation(peer);
            // Heartbeats queued during an outage would arrive in a burst and distort the interval history.
            if (association.IsConnected)
            {
                association.TryEnqueue(new Transport.OutboundEnvelope([], null, RemoteControlTypeIds.Heartbeat, heartbeat));
            }
            else
            {
                association.Start();
            }
        }

        foreach (var (peer, transition, phi) in _provider.Monitor.Evaluate())
        {
            switch (transition)
            {
                case PeerMonitor.Transition.BecameUp:
                    Log.Information("Remoting: {Peer} is up", peer);
                    Context.System.EventStream.Publish(new PeerUp(peer));
                    break;
                case PeerMonitor.Transition.BecameUnreachable:
                    Log.Warning("Remoting: {Peer} is unreachable (phi {Phi:F1} >= {Threshold})", peer, phi, _provider.FailureDetectorSettings.Threshold);
                    Context.System.EventStream.Publish(new Unreachable(peer, phi));
                    break;
                case PeerMonitor.Transition.BecameReachable:
                    Log.Information("Remoting: {Peer} is reachable again", peer);
                    Context.System.EventStream.Publish(new Reachable(peer));
                    break;
                case PeerMonitor.Transition.UnreachableTooLong:
                    _provider.OnNodeUnreachableTooLong(peer);
                    break;
            }
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
