using Akka.Actor;
using Akka.Event;
using DistSync.Node.Queues.Wire;
using DistSync.Queues;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Queues;

/// <summary>
/// The node's queue gateway at <c>/user/queue-gateway</c>: a node that hosts no replica of a partition sends its
/// proposal or stats read here, on a node that does (<see cref="PartitionCall"/>); the call runs against the local
/// replica (a follower's replica forwards proposals to its leader inside Raft) and the answer is piped back.
/// </summary>
public sealed class QueueGateway : ReceiveActor
{
    public const string Name = "queue-gateway";

    /// <summary>The answer code of a call that no leader took (the group is electing): nothing ran, so it may be retried.</summary>
    internal const string NoLeader = "no-leader";

    private readonly ILoggingAdapter log = Context.GetLogger();

    public QueueGateway(RaftHost raft)
    {
        // not ReceiveAsync: calls run concurrently (a slow partition must not hold up the others), answers piped back
        Receive<PartitionCall>(call => AnswerAsync(raft, call).PipeTo(Sender, Self));
    }

    /// <summary>What a partition call answers; also used for the local path so both agree.</summary>
    internal static async Task<PartitionAnswer> AnswerAsync(RaftHost raft, PartitionCall call)
    {
        var group = raft.TryGetGroup(call.GroupId);
        if (group is null || call.GroupId == RaftHost.MetaGroupId) return new PartitionAnswer { Code = "not-hosted", Error = $"partition group {call.GroupId} has no replica here" };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Clamp(call.TimeoutMs, 100, 120_000)));
        try
        {
            if (call.Stats)
            {
                var stats = await ObservedPartitionStateMachine.LocalStatsAsync(group, timeout.Token).ConfigureAwait(false);
                return new PartitionAnswer { Code = "ok", Stats = ToWire(stats, group.Status) };
            }
            var result = await group.ProposeAsync(call.Command.Memory, timeout.Token).ConfigureAwait(false);
            return new PartitionAnswer { Code = "ok", Result = UnsafeByteOperations.UnsafeWrap(result) };
        }
        catch (RaftUnavailableException e) when (e.NoLeaderTookIt)
        {
            // nothing was proposed: the caller may try again while its own deadline lasts
            return new PartitionAnswer { Code = NoLeader, Error = e.Message };
        }
        catch (RaftUnavailableException e)
        {
            return new PartitionAnswer { Code = "unavailable", Error = e.Message };
        }
        catch (OperationCanceledException)
        {
            return new PartitionAnswer { Code = "unavailable", Error = "no quorum in time" };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException)
        {
            return new PartitionAnswer { Code = "failed", Error = e.Message };
        }
    }

    internal static PartitionStatsWire ToWire(QueuePartitionStats s, RaftGroupStatus status)
    {
        var wire = new PartitionStatsWire
        {
            Ready = s.Ready + s.Delayed,
            Delayed = s.Delayed,
            Inflight = s.InFlight,
            DeadLettered = s.DeadLettered,
            DeadLetterReady = s.DeadLetterReady + s.DeadLetterDelayed,
            DeadLetterInflight = s.DeadLetterInFlight,
            ProducedTotal = s.ProducedTotal,
            AckedTotal = s.AckedTotal,
            Leader = status.Leader ?? "",
        };
        foreach (var m in status.Members)
            if (m.Kind == "voter") wire.Voters.Add(m.NodeId);
        return wire;
    }
}
