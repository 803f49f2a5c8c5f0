using DistSync.Raft.Hosting;

namespace DistSync.Node.Hosting;

/// <summary>In-process extras for <see cref="DistSyncNode.StartAsync"/>; the executable uses none of them but
/// <see cref="StaticSerilog"/>.</summary>
public sealed record NodeStartOptions
{
    /// <summary>Runs the throttler/failure-injector transport adapters even without <c>dsync.testing.fault-injection</c>
    /// (which also maps the admin fault routes), so an in-process test can partition nodes with
    /// <see cref="DistSync.Cluster.Faults.NetworkFaults"/>. Every node of a cluster must agree.</summary>
    public bool FaultAdapters { get; init; }

    /// <summary>Raft's delay/seeded-drop seam; one object may be shared by several in-process nodes. Null: a private one.</summary>
    public RaftLinkFaults? LinkFaults { get; init; }

    /// <summary>Akka logs through Akka.Logger.Serilog and the static <c>Serilog.Log.Logger</c> (the node process, which
    /// sets it to its logger). Otherwise through a logger factory over the logger given to StartAsync, so several
    /// in-process nodes keep their own NodeId.</summary>
    public bool StaticSerilog { get; init; }

    /// <summary>Akka HOCON laid over everything else (tests: short coordinated-shutdown phases).</summary>
    public string? AkkaOverrides { get; init; }
}
