using System.Diagnostics.Metrics;

namespace DistSync.Node.Locks;

/// <summary>
/// The lock service's instruments (Meter "DistSync.Locks", exported by /metrics). <c>dsync.locks.deadlocks</c> reads
/// the replicated count of broken wait-for cycles (the same on every replica, survives restarts through snapshots);
/// <c>dsync.locks.grants</c> and <c>dsync.locks.timeouts</c> count the acquires this node answered with a grant or a
/// timeout, so their sum over the nodes is the cluster's total. Every measurement carries the node id (in-process
/// specs run several nodes in one process).
/// </summary>
public sealed class LockMetrics : IDisposable
{
    public const string MeterName = "DistSync.Locks";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _grants;
    private readonly Counter<long> _timeouts;
    private readonly KeyValuePair<string, object?> _node;
    private long _deadlocks;

    public LockMetrics(string nodeId)
    {
        _node = new KeyValuePair<string, object?>("node", nodeId);
        _grants = _meter.CreateCounter<long>("dsync.locks.grants", description: "acquires answered with a grant by this node");
        _timeouts = _meter.CreateCounter<long>("dsync.locks.timeouts", description: "acquires answered 409 timeout by this node");
        _meter.CreateObservableCounter("dsync.locks.deadlocks", () => new Measurement<long>(Volatile.Read(ref _deadlocks), _node),
            description: "wait-for cycles broken by aborting the youngest transaction (replicated count)");
    }

    public void Granted() => _grants.Add(1, _node);

    public void TimedOut() => _timeouts.Add(1, _node);

    /// <summary>Set by the meta state machine after each lock entry.</summary>
    public void DeadlocksDetected(long total) => Volatile.Write(ref _deadlocks, total);

    public void Dispose() => _meter.Dispose();
}
