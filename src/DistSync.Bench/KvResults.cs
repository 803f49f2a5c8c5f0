using ClosedLoopResult = DistSync.Bench.BenchSupport.ClosedLoopResult;

namespace DistSync.Bench;

/// <summary>One system's rows of bench kv (DistSync's or etcd's), for the side-by-side table at the end.</summary>
internal sealed class KvResults
{
    public List<ClosedLoopResult> Put { get; } = [];

    public List<ClosedLoopResult> Range { get; } = [];

    public KvWatchResult? Watch { get; set; }

    public List<ClosedLoopResult> Txn { get; } = [];
}
