using System.Collections.Concurrent;

namespace DistSync.Actors.Remote.FailureDetection;

/// <summary>
/// One phi-accrual detector per monitored peer plus the reachability each peer was last reported with.
/// Heartbeat answers are recorded from the socket loop (<see cref="RecordHeartbeat"/>); the heartbeat actor
/// calls <see cref="Evaluate"/> on every tick and publishes the transitions it returns. No IO, clock injected.
/// </summary>
public sealed class PeerMonitor
{
    private readonly ConcurrentDictionary<Address, PeerState> _peers = new();
    private readonly FailureDetectorSettings _settings;
    private readonly Func<long> _clockMs;

    public PeerMonitor(FailureDetectorSettings settings, Func<long> clockMs)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _clockMs = clockMs ?? throw new ArgumentNullException(nameof(clockMs));
    }

    /// <summary>Transitions found by <see cref="Evaluate"/>.</summary>
    public enum Transition
    {
        BecameUp,
        BecameUnreachable,
        BecameReachable,
        UnreachableTooLong,
    }

    public IReadOnlyCollection<Address> Peers => (IReadOnlyCollection<Address>)_peers.Keys;

    /// <summary>Starts monitoring <paramref name="peer"/>; true when it was not monitored yet.</summary>
    public bool Monitor(Address peer) => _peers.TryAdd(peer, new PeerState(new PhiAccrualFailureDetector(_settings, _clockMs)));

    public bool Unmonitor(Address peer) => _peers.TryRemove(peer, out _);

    public bool IsMonitored(Address peer) => _peers.ContainsKey(peer);

    /// <summary>A heartbeat answer from <paramref name="peer"/> arrived (ignored if not monitored).</summary>
    public void RecordHeartbeat(Address peer)
    {
        if (_peers.TryGetValue(peer, out var state))
        {
            state.Detector.Heartbeat();
        }
    }

    public double Phi(Address peer) => _peers.TryGetValue(peer, out var state) ? state.Detector.Phi : 0.0;

    public PeerStatus? StatusOf(Address peer) => _peers.TryGetValue(peer, out var state) ? Snapshot(peer, state, _clockMs()) : null;

    public IReadOnlyList<PeerStatus> Snapshot()
    {
        var now = _clockMs();
        var list = new List<PeerStatus>(_peers.Count);
        foreach (var (peer, state) in _peers)
        {
            list.Add(Snapshot(peer, state, now));
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Address.ToString(), b.Address.ToString()));
        return list;
    }

    /// <summary>
    /// Re-judges every peer and returns the transitions since the last call. Called from one thread
    /// (the heartbeat actor), which owns the reported state.
    /// </summary>
    public IReadOnlyList<(Address Peer, Transition Transition, double Phi)> Evaluate()
    {
        var now = _clockMs();
        List<(Address, Transition, double)>? transitions = null;
        foreach (var (peer, state) in _peers)
        {
            if (!state.Detector.IsMonitoring)
            {
                continue;
            }

            var phi = state.Detector.PhiAt(now);
            var available = phi < _settings.Threshold;
            switch (state.Reported)
            {
                case PeerReachability.Joining when available:
                    state.Reported = PeerReachability.Up;
                    (transitions ??= []).Add((peer, Transition.BecameUp, phi));
                    break;
                case PeerReachability.Joining:
                case PeerReachability.Up when !available:
                    state.Reported = PeerReachability.Unreachable;
                    state.UnreachableSinceMs = now;
                    state.DeathReported = false;
                    (transitions ??= []).Add((peer, Transition.BecameUnreachable, phi));
                    break;
                case PeerReachability.Unreachable when available:
                    state.Reported = PeerReachability.Up;
                    state.UnreachableSinceMs = null;
                    (transitions ??= []).Add((peer, Transition.BecameReachable, phi));
                    break;
                case PeerReachability.Unreachable when !state.DeathReported
                                                      && now - state.UnreachableSinceMs >= (long)_settings.UnreachableDeathWatchAfter.TotalMilliseconds:
                    state.DeathReported = true;
                    (transitions ??= []).Add((peer, Transition.UnreachableTooLong, phi));
                    break;
            }
        }

        return (IReadOnlyList<(Address, Transition, double)>?)transitions ?? [];
    }

    private static PeerStatus Snapshot(Address peer, PeerState state, long now)
    {
        var since = state.UnreachableSinceMs;
        return new PeerStatus(
            peer,
            state.Reported,
            state.Detector.PhiAt(now),
            since is { } s ? TimeSpan.FromMilliseconds(now - s) : null);
    }

    private sealed class PeerState(PhiAccrualFailureDetector detector)
    {
        public PhiAccrualFailureDetector Detector { get; } = detector;

        // Written by the evaluating thread, read by snapshots: a stale read only delays a status page.
        public volatile PeerReachability Reported = PeerReachability.Joining;

        private long _unreachableSinceMs = -1;

        // -1 = reachable; read by snapshots on other threads, hence Volatile.
        public long? UnreachableSinceMs
        {
            get => Volatile.Read(ref _unreachableSinceMs) is var v and >= 0 ? v : null;
            set => Volatile.Write(ref _unreachableSinceMs, value ?? -1);
        }

        public bool DeathReported { get; set; }
    }
}
