using Akka.Actor;
using Akka.Event;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

// Stopping a group on this node on purpose (a replica that moved away): optionally purge its log first.
internal sealed partial class RaftActor
{
    private bool stoppedOnPurpose;

    private void OnStopGroup(StopGroup stop)
    {
        stoppedOnPurpose = true;
        if (!stop.PurgeLog)
        {
            Context.Stop(Self);
            return;
        }
        Context.Unwatch(logActor);
        logActor.Tell(PurgeLog.Instance, Self);
        Become(PurgingLog);
    }

    /// <summary>Waiting for the log actor to delete the group's events and snapshots; then the actor stops. Requests
    /// that arrive meanwhile are answered "unavailable" (the caller's node no longer hosts the group).</summary>
    private void PurgingLog()
    {
        Receive<LogPurged>(purged =>
        {
            if (purged.Error is not null)
                log.Warning("Raft group {0}: deleting the moved-away replica's log failed ({1}); it is left on disk", groupId, purged.Error);
            else
                log.Info("Raft group {0}: this node's replica was removed and its log deleted", groupId);
            Context.Stop(Self);
        });
        Receive<LocalPropose>(p => p.Completion.TrySetResult(Outcome(OutcomeCode.Unavailable, "the raft group is leaving this node")));
        Receive<LocalAdmin>(a => a.Completion.TrySetResult(Outcome(OutcomeCode.Unavailable, "the raft group is leaving this node")));
        Receive<LocalRead>(r => r.Completion.TrySetException(new RaftUnavailableException("the raft group is leaving this node")));
        ReceiveAny(_ => { });
    }
}
