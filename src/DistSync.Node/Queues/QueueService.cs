using DistSync.Cluster.Placement;
using DistSync.Locks;
using DistSync.Node.Meta;
using DistSync.Node.Queues.Wire;
using DistSync.Queues;
using DistSync.Queues.Catalog;
using DistSync.Queues.Catalog.Wire;
using DistSync.Queues.Wire;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Queues;

/// <summary>
/// The queue operations behind the HTTP routes, on any node: finds (or creates, on first produce) the queue in the
/// catalog, routes to a partition (by key on the partition hash, else one this node leads, else round robin), and runs
/// the partition's command through <see cref="PartitionCaller"/>. Receipts name the partition group, the message and the lease:
/// <c>{group}-{seq}-{lease}</c>, so a receipt from an older delivery is recognised as stale.
/// </summary>
public sealed class QueueService(RaftHost raft, QueueCatalogView catalog, PartitionCaller caller, QueueSettings settings, QueueMetrics metrics, AsyncPulse applied)
{
    private int spread;
    private int consumeStart;

    public QueueSettings Settings => settings;

    /// <summary>The last stats read per partition group on this node, for the produced/s and acked/s of the next one.</summary>
    internal Dictionary<int, (DateTime At, long Produced, long Acked, double ProducedPerSec, double AckedPerSec)> RateSamples { get; } = new();

    public QueueCatalogView Catalog => catalog;

    /// <summary>The session id as the partitions store it (they keep a 64-bit id; a collision could only return leases early).</summary>
    public static ulong SessionKey(string sessionId) => StableHash.Of(sessionId);

    /// <summary>The queue, created with <c>dsync.queues.partitions</c> partitions placed on the ring when it does not exist.</summary>
    public async Task<QueueInfo> EnsureQueueAsync(string name, CancellationToken ct)
    {
        if (catalog.Find(name) is { } known) return known;
        var voters = raft.Meta.Status.Members.Where(m => m.Kind == "voter").Select(m => m.NodeId).ToList();
        if (voters.Count == 0) throw new RaftUnavailableException("no meta group members known yet");
        var ring = HashRing.Create(voters);
        var create = new CreateQueue { Name = name, Partitions = settings.Partitions };
        for (int i = 0; i < settings.Partitions; i++)
            create.Replicas.Add(new ReplicaSet { NodeIds = { QueuePlacement.ReplicasOf(ring, name, i, settings.ReplicationFactor) } });
        var bytes = await raft.Meta.ProposeAsync(MetaStateMachine.CatalogCommand(new CatalogCommand { Create = create }), ct).ConfigureAwait(false);
        var result = CatalogResult.Parser.ParseFrom(bytes.Span);
        if (result.Code != "ok" || result.Queue is null) throw new ArgumentException(result.Error);
        return result.Queue;
    }

    /// <summary>
    /// The partition of a produce. A key (or a client-chosen messageId) hashes to a fixed partition: FIFO per key and
    /// dedupe need it. A produce with neither may go to any partition, so it goes to one whose leader is this node when
    /// there is one (rotating among them): its proposal then skips the follower-to-leader forward, a remoting round
    /// trip and an Ask. The commit is the same majority write in that partition's group. Partitions fill as unevenly as
    /// leadership is spread (consumers lease from all of them, so that changes no outcome); a node that leads none
    /// spreads over all.
    /// </summary>
    public int PartitionFor(QueueInfo queue, string? key)
    {
        int n = queue.Partitions.Count;
        if (!string.IsNullOrEmpty(key)) return (int)(StableHash.Of(key) % (ulong)n);
        uint turn = (uint)Interlocked.Increment(ref spread);
        Span<int> led = n <= 256 ? stackalloc int[n] : new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
            if (raft.TryGetGroup(queue.Partitions[i].GroupId) is { Status.Role: "leader" }) led[count++] = i;
        return count > 0 ? led[(int)(turn % (uint)count)] : (int)(turn % (uint)n);
    }

    public async Task<QueueResult> ProposeAsync(PartitionInfo partition, QueueCommand command, CancellationToken ct)
    {
        var answer = await caller.CallAsync(partition, command.ToByteString(), stats: false, ct).ConfigureAwait(false);
        return QueueResults.Decode(answer.Result.Span);
    }

    public async Task<PartitionStatsWire> StatsAsync(PartitionInfo partition, CancellationToken ct) =>
        (await caller.CallAsync(partition, null, stats: true, ct).ConfigureAwait(false)).Stats;

    /// <summary>
    /// Leases up to <paramref name="max"/> messages from the queue's partitions, starting at a rotating one, skipping
    /// partitions whose local replica shows nothing ready; long-polls up to <paramref name="wait"/> for any to arrive.
    /// </summary>
    public async Task<List<(PartitionInfo Partition, DistSync.Queues.Wire.ConsumedMessage Message)>> ConsumeAsync(
        string queueName, bool deadLetter, int max, long visibilityMs, ulong session, TimeSpan wait, CancellationToken ct)
    {
        var until = DateTime.UtcNow + wait;
        var got = new List<(PartitionInfo, DistSync.Queues.Wire.ConsumedMessage)>();
        while (true)
        {
            var pulse = applied.NextAsync();
            if (catalog.Find(queueName) is { } queue)
            {
                // what each partition's local replica shows ready (unknown = all we still want), read in parallel
                int n = queue.Partitions.Count;
                int start = (int)((uint)Interlocked.Increment(ref consumeStart) % (uint)n);
                var order = new PartitionInfo[n];
                for (int k = 0; k < n; k++) order[k] = queue.Partitions[(start + k) % n];
                var estimates = await Task.WhenAll(order.Select(p => ReadyEstimateAsync(p, deadLetter, ct))).ConfigureAwait(false);
                // quotas in rotated order summing to at most max, then one lease proposal per partition, in parallel
                var calls = new List<(PartitionInfo Partition, Task<QueueResult> Result)>();
                int remaining = max - got.Count;
                for (int k = 0; k < n && remaining > 0; k++)
                {
                    int quota = (int)Math.Min(remaining, estimates[k]);
                    if (quota <= 0) continue;
                    remaining -= quota;
                    calls.Add((order[k], ProposeAsync(order[k], QueueCommands.Consume(quota, visibilityMs, session, deadLetter), ct)));
                }
                Exception? failure = null;
                foreach (var (p, task) in calls)
                {
                    QueueResult result;
                    try
                    {
                        result = await task.ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is RaftUnavailableException or OperationCanceledException or InvalidOperationException)
                    {
                        failure ??= e; // leases another partition granted are still returned; this one's come back at their timeout
                        continue;
                    }
                    if (result.ResultCase == QueueResult.ResultOneofCase.Invalid) throw new ArgumentException($"{result.Invalid.Field}: {result.Invalid.Message}");
                    if (result.ResultCase != QueueResult.ResultOneofCase.Consumed) continue;
                    foreach (var m in result.Consumed.Messages) got.Add((p, m));
                }
                if (failure is not null && got.Count == 0) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            if (got.Count > 0 || DateTime.UtcNow >= until) break;
            // a replica here applies every produce and every lease that returns; remote-only partitions are polled
            var left = until - DateTime.UtcNow;
            var nap = left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200);
            if (nap > TimeSpan.Zero) await Task.WhenAny(pulse, Task.Delay(nap, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
        metrics.Delivered(deadLetter ? queueName + QueueNames.DeadLetterSuffix : queueName, got.Count, got.Count(g => g.Item2.DeliveryCount > 1));
        return got;
    }

    /// <summary>How many messages the partition's local replica shows ready (long.MaxValue when this node hosts no
    /// replica: unknown). A replica may lag its leader by an entry or two; the long-poll looks again.</summary>
    private async Task<long> ReadyEstimateAsync(PartitionInfo p, bool deadLetter, CancellationToken ct)
    {
        if (raft.TryGetGroup(p.GroupId) is not { } group) return long.MaxValue;
        try
        {
            var s = await ObservedPartitionStateMachine.LocalStatsAsync(group, ct).ConfigureAwait(false);
            // delayed messages may be due by the leader's clock: counted, the lease proposal decides
            return deadLetter ? s.DeadLetterReady + s.DeadLetterDelayed : s.Ready + s.Delayed;
        }
        catch (RaftUnavailableException)
        {
            return long.MaxValue;
        }
    }

    public static string Receipt(PartitionInfo p, long seq, long leaseId) => $"{p.GroupId}-{seq}-{leaseId}";

    public static bool TryParseReceipt(string? receipt, out int groupId, out long seq, out long leaseId)
    {
        groupId = 0;
        seq = leaseId = 0;
        if (string.IsNullOrEmpty(receipt)) return false;
        var parts = receipt.Split('-');
        return parts.Length == 3 && int.TryParse(parts[0], out groupId) && long.TryParse(parts[1], out seq) && long.TryParse(parts[2], out leaseId)
            && groupId > 0 && seq > 0 && leaseId > 0;
    }

    /// <summary>Returns the leases of an ended session at once, on every partition this node leads (called for every
    /// session the meta group ends; each node proposes for the partitions it leads, so each partition gets it once).</summary>
    public void OnSessionEnded(string sessionId, Serilog.ILogger logger)
    {
        var command = QueueCommands.ReleaseSession(SessionKey(sessionId)).ToByteArray();
        foreach (var group in raft.Groups)
        {
            if (group.Status.Role != "leader") continue;
            _ = Task.Run(async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await group.ProposeAsync(command, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RaftUnavailableException or OperationCanceledException)
                {
                    logger.Warning("queue partition group {Group}: returning the leases of ended session {Session} failed ({Error}); they return at their visibility timeout",
                        group.GroupId, sessionId, e.Message);
                }
            });
        }
    }
}
