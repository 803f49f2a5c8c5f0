namespace DistSync.Cluster.Hosting;

/// <summary>Who may down an Akka.Cluster member. Never Akka's split-brain resolver or auto-down: Raft owns membership.</summary>
public enum DowningKind
{
    /// <summary><see cref="Downing.RaftDowningProvider"/>: down only what the node host says the meta group removed.</summary>
    Raft,

    /// <summary>Akka's <c>NoDowning</c>: nothing is ever downed (unreachable members stay members for ever).</summary>
    None,
}
