using System.Diagnostics;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.Bench;

/// <summary>
/// Throughput of the pure Raft core: a 3-node cluster in memory (no IO, messages handed over by reference),
/// the leader proposing in batches, every node persisting to <see cref="MemoryRaftStorage"/> and applying.
/// Reports committed (applied on the leader) entries per second.
/// <c>raft-core [--seconds S] [--batch B] [--payload BYTES]</c>.
/// </summary>
public sealed class RaftCoreBench : IBenchmark
{
    public string Name => "raft-core";
    public string Description => "Raft core throughput, 3 nodes in memory: [--seconds S] [--batch B] [--payload BYTES]";

    public Task<int> RunAsync(string[] args)
    {
        double seconds = 5;
        int batch = 1024, payload = 16;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], out double s) && s > 0: seconds = s; i++; break;
                case "--batch" when i + 1 < args.Length && int.TryParse(args[i + 1], out int b) && b > 0: batch = b; i++; break;
                case "--payload" when i + 1 < args.Length && int.TryParse(args[i + 1], out int p) && p >= 0: payload = p; i++; break;
                default:
                    Console.Error.WriteLine($"raft-core: unknown or invalid argument '{args[i]}'; usage: {Description}");
                    return Task.FromResult(2);
            }
        }

        // warm-up, then the measured run
        Run(0.5, batch, payload, quiet: true);
        var (entries, elapsed, messages) = Run(seconds, batch, payload, quiet: false);
        Console.WriteLine($"raft-core: {entries:N0} entries committed in {elapsed.TotalSeconds:F2}s = {entries / elapsed.TotalSeconds:N0} entries/s " +
                          $"(3 nodes, batch {batch}, payload {payload} B, {messages:N0} messages, {(double)entries / Math.Max(1, messages):F1} entries/message)");
        return Task.FromResult(0);
    }

    private sealed class BenchNode(RaftNode raft, MemoryRaftStorage storage)
    {
        public RaftNode Raft { get; } = raft;
        public MemoryRaftStorage Storage { get; } = storage;
        public List<Message> Inbox = new();
        public List<Message> Processing = new();
        public long Applied;
    }

    private static (long Entries, TimeSpan Elapsed, long Messages) Run(double seconds, int batch, int payload, bool quiet)
    {
        ulong[] ids = { 1, 2, 3 };
        var nodes = new BenchNode[3];
        for (int i = 0; i < 3; i++)
        {
            var storage = new MemoryRaftStorage(ids);
            var config = new RaftConfig { Id = ids[i], ElectionTick = 10, HeartbeatTick = 1, MaxEntriesPerMsg = 4096, MaxSizePerMsg = 4 << 20, MaxInflightMsgs = 256 };
            nodes[i] = new BenchNode(new RaftNode(config, storage, new Random(i)), storage);
        }
        long messages = 0;
        nodes[0].Raft.Campaign();
        Pump(nodes, ref messages);
        if (nodes[0].Raft.Role != RaftRole.Leader) throw new InvalidOperationException("raft-core: node 1 did not become leader");

        var data = ByteString.CopyFrom(new byte[payload]);
        var leader = nodes[0];
        long startApplied = leader.Applied;
        messages = 0;
        var sw = Stopwatch.StartNew();
        long deadline = (long)(seconds * Stopwatch.Frequency);
        long nextCompaction = 200_000;
        while (sw.ElapsedTicks < deadline)
        {
            for (int i = 0; i < batch; i++) leader.Raft.Propose(data);
            Pump(nodes, ref messages);
            if (leader.Applied >= nextCompaction)
            {
                // keep memory flat: snapshot (empty state) and compact every node
                foreach (var n in nodes)
                {
                    long at = n.Applied - 1000;
                    n.Storage.CreateSnapshot(at, n.Raft.ConfState, ByteString.Empty);
                    n.Storage.Compact(at);
                }
                nextCompaction += 200_000;
            }
        }
        sw.Stop();
        return (leader.Applied - startApplied, sw.Elapsed, messages);
    }

    /// <summary>Runs Ready / deliver rounds until the cluster is quiet.</summary>
    private static void Pump(BenchNode[] nodes, ref long messages)
    {
        bool busy = true;
        while (busy)
        {
            busy = false;
            for (int i = 0; i < nodes.Length; i++)
            {
                var n = nodes[i];
                while (n.Raft.HasReady())
                {
                    busy = true;
                    var rd = n.Raft.GetReady();
                    Deliver(nodes, rd.Messages, ref messages);
                    for (int c = 0; c < rd.SnapshotChunks.Count; c++) n.Storage.WriteSnapshotChunk(rd.SnapshotChunks[c]);
                    if (rd.Snapshot is { } snap) n.Storage.ApplySnapshot(snap);
                    if (rd.Entries.Count > 0) n.Storage.Append(rd.Entries);
                    if (rd.HardState is { } hs) n.Storage.SetHardState(hs);
                    Deliver(nodes, rd.MessagesAfterPersist, ref messages);
                    var committed = rd.CommittedEntries;
                    if (committed.Count > 0) n.Applied = committed[committed.Count - 1].Index;
                    n.Raft.Advance();
                }
            }
            for (int i = 0; i < nodes.Length; i++)
            {
                var n = nodes[i];
                if (n.Inbox.Count == 0) continue;
                busy = true;
                (n.Inbox, n.Processing) = (n.Processing, n.Inbox);
                for (int k = 0; k < n.Processing.Count; k++) n.Raft.Step(n.Processing[k]);
                n.Processing.Clear();
            }
        }
    }

    private static void Deliver(BenchNode[] nodes, IReadOnlyList<Message> batch, ref long messages)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var m = batch[i];
            nodes[(int)m.To - 1].Inbox.Add(m);
            messages++;
        }
    }
}
