using DistSync.Queues.Catalog.Wire;
using Google.Protobuf;

namespace DistSync.Queues.Catalog;

/// <summary>
/// The queue catalog replicated by the meta group: every queue, its partitions' Raft group ids and where their
/// replicas are. Deterministic like every replicated state machine: group ids come from a counter in the state, the
/// placement from the proposer (it computes the hash ring over the members it sees, so the catalog needs no view of
/// membership). A move is two steps: <see cref="MovePartition"/> records the target, the replicas join by Raft
/// membership change, and <see cref="PartitionMoved"/> records the result.
/// </summary>
public sealed class QueueCatalog
{
    /// <summary>Most partitions a queue may have.</summary>
    public const int MaxPartitions = 256;

    private readonly SortedDictionary<string, QueueInfo> queues = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (QueueInfo Queue, PartitionInfo Partition)> byGroup = new();
    private int nextGroupId = 1;

    /// <summary>Bumped on every change (not replicated): a cheap "did anything change" for the node's watchers.</summary>
    public long Version { get; private set; }

    public IReadOnlyCollection<QueueInfo> Queues => queues.Values;

    public QueueInfo? Find(string name) => queues.GetValueOrDefault(name);

    public PartitionInfo? FindGroup(int groupId) => byGroup.TryGetValue(groupId, out var p) ? p.Partition : null;

    /// <summary>The queue a partition group belongs to.</summary>
    public QueueInfo? QueueOfGroup(int groupId) => byGroup.TryGetValue(groupId, out var p) ? p.Queue : null;

    public CatalogResult Apply(long index, CatalogCommand command)
    {
        switch (command.CommandCase)
        {
            case CatalogCommand.CommandOneofCase.Create: return Create(index, command.Create);
            case CatalogCommand.CommandOneofCase.Move: return Move(command.Move);
            case CatalogCommand.CommandOneofCase.Moved: return Moved(command.Moved);
            default: return Invalid("command: not a catalog command");
        }
    }

    private CatalogResult Create(long index, CreateQueue create)
    {
        if (QueueNames.Validate(create.Name) is { } error) return Invalid(error);
        if (queues.TryGetValue(create.Name, out var existing)) return new CatalogResult { Code = "ok", Queue = existing.Clone() };
        if (create.Partitions < 1 || create.Partitions > MaxPartitions) return Invalid($"partitions: must be 1..{MaxPartitions}");
        if (create.Replicas.Count != create.Partitions) return Invalid("replicas: one replica set per partition");
        for (int i = 0; i < create.Replicas.Count; i++)
            if (create.Replicas[i].NodeIds.Count == 0) return Invalid($"replicas[{i}]: no replica");
        var queue = new QueueInfo { Name = create.Name, CreatedIndex = index };
        for (int i = 0; i < create.Partitions; i++)
        {
            var p = new PartitionInfo { Index = i, GroupId = nextGroupId++ };
            p.Replicas.AddRange(Sorted(create.Replicas[i].NodeIds));
            queue.Partitions.Add(p);
            byGroup[p.GroupId] = (queue, p);
        }
        queues[queue.Name] = queue;
        Version++;
        return new CatalogResult { Code = "ok", Queue = queue.Clone(), Created = true };
    }

    private CatalogResult Move(MovePartition move)
    {
        if (!byGroup.TryGetValue(move.GroupId, out var found)) return Invalid("groupId: no such partition");
        var p = found.Partition;
        if (move.Target is null || move.Target.NodeIds.Count == 0) return Invalid("target: no replica");
        if (p.Target.Count > 0) return new CatalogResult { Code = "stale", Error = "a move of this partition is under way" };
        if (move.From is not null && !SameSet(move.From.NodeIds, p.Replicas)) return new CatalogResult { Code = "stale", Error = "the replicas changed since the move was planned" };
        var target = Sorted(move.Target.NodeIds);
        if (SameSet(target, p.Replicas)) return new CatalogResult { Code = "ok" };
        p.Target.AddRange(target);
        Version++;
        return new CatalogResult { Code = "ok", Queue = found.Queue.Clone() };
    }

    private CatalogResult Moved(PartitionMoved moved)
    {
        if (!byGroup.TryGetValue(moved.GroupId, out var found)) return Invalid("groupId: no such partition");
        var p = found.Partition;
        if (moved.Replicas is null || moved.Replicas.NodeIds.Count == 0) return Invalid("replicas: no replica");
        var replicas = Sorted(moved.Replicas.NodeIds);
        // a late duplicate from a second driver: the move is already recorded
        if (p.Target.Count == 0 && SameSet(replicas, p.Replicas)) return new CatalogResult { Code = "ok" };
        if (p.Target.Count == 0 || !SameSet(replicas, p.Target)) return new CatalogResult { Code = "stale", Error = "not the target of the move under way" };
        p.Replicas.Clear();
        p.Replicas.AddRange(replicas);
        p.Target.Clear();
        p.Generation++;
        Version++;
        return new CatalogResult { Code = "ok", Queue = found.Queue.Clone() };
    }

    public byte[] Snapshot()
    {
        var snap = new CatalogSnapshot { NextGroupId = nextGroupId };
        foreach (var q in queues.Values) snap.Queues.Add(q);
        return snap.ToByteArray();
    }

    /// <exception cref="InvalidDataException">not a catalog snapshot</exception>
    public static QueueCatalog FromSnapshot(ReadOnlySpan<byte> bytes)
    {
        CatalogSnapshot snap;
        try
        {
            snap = CatalogSnapshot.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the queue catalog snapshot is not valid Protobuf: " + e.Message, e);
        }
        var catalog = new QueueCatalog { nextGroupId = Math.Max(1, snap.NextGroupId) };
        foreach (var q in snap.Queues)
        {
            catalog.queues[q.Name] = q;
            foreach (var p in q.Partitions) catalog.byGroup[p.GroupId] = (q, p);
        }
        catalog.Version = 1;
        return catalog;
    }

    private static CatalogResult Invalid(string error) => new() { Code = "invalid", Error = error };

    private static List<string> Sorted(IEnumerable<string> ids)
    {
        var list = new List<string>(new SortedSet<string>(ids, StringComparer.Ordinal));
        return list;
    }

    private static bool SameSet(IEnumerable<string> a, IEnumerable<string> b) =>
        new SortedSet<string>(a, StringComparer.Ordinal).SetEquals(b);
}
