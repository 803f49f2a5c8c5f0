using Google.Protobuf;

namespace DistSync.Raft.Tests.Support;

/// <summary>
/// A scripted in-memory cluster for scenario tests: the test decides when nodes tick, which messages are
/// delivered or dropped, who crashes and restarts. Ready handling follows the ordering rule on <see cref="Ready"/>.
/// Deterministic: node randoms are seeded by id.
/// </summary>
public sealed class RaftTestCluster
{
    private readonly Dictionary<ulong, MemoryRaftStorage> storages = new();
    private readonly Dictionary<ulong, RaftNode?> nodes = new();
    private readonly Dictionary<ulong, List<Entry>> applied = new();
    private readonly Dictionary<ulong, List<ReadState>> readStates = new();
    private readonly HashSet<(ulong, ulong)> cut = new();
    private readonly Func<ulong, RaftConfig> configFor;
    private int restarts;

    public RaftTestCluster(int voters, Func<RaftConfig, RaftConfig>? configure = null)
    {
        var ids = new ulong[voters];
        for (int i = 0; i < voters; i++) ids[i] = (ulong)(i + 1);
        configFor = id =>
        {
            var c = new RaftConfig { Id = id, ElectionTick = 10, HeartbeatTick = 1 };
            return configure is null ? c : configure(c);
        };
        foreach (ulong id in ids) Start(id, new MemoryRaftStorage(ids));
    }

    /// <summary>Messages in flight, in send order.</summary>
    public List<Message> InFlight { get; } = new();
    /// <summary>Every message ever sent, for assertions about traffic.</summary>
    public List<Message> Sent { get; } = new();

    public RaftNode this[ulong id] => nodes[id] ?? throw new InvalidOperationException($"node {id} is down");
    public MemoryRaftStorage Storage(ulong id) => storages[id];
    public IEnumerable<ulong> Ids => nodes.Keys;
    public bool IsUp(ulong id) => nodes.TryGetValue(id, out var n) && n is not null;

    /// <summary>Data of the normal, non-empty entries node <paramref name="id"/> applied, as strings.</summary>
    public List<string> AppliedData(ulong id) =>
        applied[id].Where(e => e.Type == EntryType.Normal && !e.Data.IsEmpty).Select(e => e.Data.ToStringUtf8()).ToList();
    public List<Entry> AppliedEntries(ulong id) => applied[id];
    public List<ReadState> ReadStates(ulong id) => readStates[id];

    public void AddNode(ulong id) => Start(id, new MemoryRaftStorage());

    private void Start(ulong id, MemoryRaftStorage storage)
    {
        storages[id] = storage;
        nodes[id] = new RaftNode(configFor(id), storage, new Random((int)id * 7919 + restarts++));
        applied.TryAdd(id, new List<Entry>());
        readStates.TryAdd(id, new List<ReadState>());
    }

    /// <summary>Loses the node's volatile state and its unsent messages; its storage (the disk) stays.</summary>
    public void Crash(ulong id)
    {
        nodes[id] = null;
        InFlight.RemoveAll(m => m.From == id);
    }

    public void Restart(ulong id)
    {
        applied[id].Clear(); // the state machine is rebuilt by replaying the log
        Start(id, storages[id]);
    }

    public void Cut(ulong from, ulong to) => cut.Add((from, to));
    public void Isolate(ulong id)
    {
        foreach (ulong other in nodes.Keys)
        {
            if (other == id) continue;
            cut.Add((id, other));
            cut.Add((other, id));
        }
    }
    public void Heal() => cut.Clear();

    public ProposeResult Propose(ulong id, string data) => this[id].Propose(ByteString.CopyFromUtf8(data));

    /// <summary>Makes <paramref name="id"/> campaign now and runs the cluster until quiet.</summary>
    public void Elect(ulong id)
    {
        this[id].Campaign();
        Stabilize();
    }

    public void Tick(ulong id, int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            this[id].Tick();
            ProcessReadies();
        }
    }

    /// <summary>Ticks every live node once, then delivers until quiet.</summary>
    public void TickAll(int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            foreach (ulong id in nodes.Keys.ToList())
            {
                if (IsUp(id)) this[id].Tick();
            }
            Stabilize();
        }
    }

    /// <summary>Handles every pending Ready (persist, queue messages, apply, advance).</summary>
    public void ProcessReadies()
    {
        foreach (var (id, node) in nodes.ToList())
        {
            if (node is null) continue;
            while (node.HasReady())
            {
                var rd = node.GetReady();
                Enqueue(rd.Messages);
                var storage = storages[id];
                foreach (var chunk in rd.SnapshotChunks) storage.WriteSnapshotChunk(chunk);
                if (rd.Snapshot is { } snap)
                {
                    storage.ApplySnapshot(snap);
                    applied[id].Clear();
                }
                storage.Append(rd.Entries);
                if (rd.HardState is { } hs) storage.SetHardState(hs);
                Enqueue(rd.MessagesAfterPersist);
                applied[id].AddRange(rd.CommittedEntries);
                readStates[id].AddRange(rd.ReadStates);
                node.Advance();
            }
        }
    }

    private void Enqueue(IReadOnlyList<Message> messages)
    {
        foreach (var m in messages)
        {
            InFlight.Add(m);
            Sent.Add(m);
        }
    }

    /// <summary>Delivers in-flight messages (those matching <paramref name="deliver"/>; others are dropped) until quiet.</summary>
    public void Stabilize(Func<Message, bool>? deliver = null, int maxRounds = 10_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            ProcessReadies();
            if (InFlight.Count == 0) return;
            var batch = InFlight.ToList();
            InFlight.Clear();
            foreach (var m in batch)
            {
                if (cut.Contains((m.From, m.To)) || !IsUp(m.To)) continue;
                if (deliver is not null && !deliver(m)) continue;
                nodes[m.To]!.Step(m.Clone());
            }
        }
        throw new InvalidOperationException("cluster did not become quiet");
    }

    /// <summary>Delivers what is in flight now (one network hop; answers stay in flight), then handles the Readies.</summary>
    public void DeliverOneHop()
    {
        ProcessReadies();
        var batch = InFlight.ToList();
        InFlight.Clear();
        foreach (var m in batch)
        {
            if (cut.Contains((m.From, m.To)) || !IsUp(m.To)) continue;
            nodes[m.To]!.Step(m.Clone());
        }
        ProcessReadies();
    }

    /// <summary>Drops everything in flight.</summary>
    public void DropInFlight() => InFlight.Clear();

    public ulong Leader()
    {
        RaftNode? best = null;
        foreach (var n in nodes.Values)
        {
            if (n is { Role: RaftRole.Leader } && (best is null || n.Term > best.Term)) best = n;
        }
        return best?.Id ?? 0;
    }
}
