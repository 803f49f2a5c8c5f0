using Akka.Actor;
using DistSync.Cluster;
using DistSync.Node.Queues.Wire;
using DistSync.Queues.Catalog.Wire;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Queues;

/// <summary>
/// Runs a proposal or a stats read on a partition's Raft group from this node: on the local replica when this node
/// hosts one, else through the <see cref="QueueGateway"/> of a node that does (the replicas in the catalog, tried in
/// turn). Until some replica answers and a leader takes the call (a queue created a moment ago, its groups starting and
/// electing) the call retries, until the caller's token fires.
/// </summary>
public sealed class PartitionCaller(ActorSystem system, RaftHost raft, string selfId)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);
    private int rotation;

    /// <exception cref="RaftUnavailableException">no replica answered before <paramref name="ct"/> fired</exception>
    public async Task<PartitionAnswer> CallAsync(PartitionInfo partition, ByteString? command, bool stats, CancellationToken ct)
    {
        string lastError = "no replica answered";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var call = new PartitionCall { GroupId = partition.GroupId, Command = command ?? ByteString.Empty, Stats = stats, TimeoutMs = 5_000 };
            if (raft.TryGetGroup(partition.GroupId) is not null)
            {
                var local = await QueueGateway.AnswerAsync(raft, call).ConfigureAwait(false);
                if (!Retryable(local)) return Done(local);
                lastError = local.Error;
            }
            else
            {
                // ask a replica that hosts it (this node's own may be starting): rotate so a dead one is not always first
                var others = Remotes(partition);
                if (others.Count > 0)
                {
                    var address = others[(int)((uint)Interlocked.Increment(ref rotation) % (uint)others.Count)];
                    try
                    {
                        var selection = system.ActorSelection(new RootActorPath(address) / "user" / QueueGateway.Name);
                        var answer = await selection.Ask<PartitionAnswer>(call, TimeSpan.FromMilliseconds(call.TimeoutMs + 1_000), ct).ConfigureAwait(false);
                        if (!Retryable(answer)) return Done(answer);
                        lastError = answer.Error;
                    }
                    catch (AskTimeoutException)
                    {
                        lastError = $"the replica at {address} did not answer";
                    }
                }
            }
            try
            {
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new RaftUnavailableException($"partition group {partition.GroupId}: {lastError}");
            }
        }

        // not hosted there (yet), or no leader took it (an election, as in a group just created): nothing ran, go on
        // while the caller's deadline lasts, which may be longer than one call's (a produce that creates the queue)
        static bool Retryable(PartitionAnswer answer) => answer.Code is "not-hosted" or QueueGateway.NoLeader;

        PartitionAnswer Done(PartitionAnswer answer) => answer.Code switch
        {
            "ok" => answer,
            "unavailable" or QueueGateway.NoLeader => throw new RaftUnavailableException($"partition group {partition.GroupId}: {answer.Error}"),
            _ => throw new InvalidOperationException($"partition group {partition.GroupId}: {answer.Error}"),
        };
    }

    /// <summary>Remoting addresses of the partition's replicas other than this node, from the meta group's members.</summary>
    private List<Address> Remotes(PartitionInfo partition)
    {
        var list = new List<Address>(partition.Replicas.Count);
        var members = raft.Meta.Status.Members;
        foreach (var id in partition.Replicas)
        {
            if (id == selfId) continue;
            foreach (var m in members)
            {
                if (m.NodeId != id) continue;
                if (NodeAddress.TryParse(m.Address, ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol, out var address)) list.Add(address);
                break;
            }
        }
        return list;
    }
}
