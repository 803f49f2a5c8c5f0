using DistSync.Raft.Journal;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Sqlite;
using DistSync.Raft.Hosting.Wire;
using Xunit.Abstractions;

namespace DistSync.Node.Tests;

/// <summary>
/// Issue 10: three real node processes (SQLite journal) take 25,000 distinct KV writes from 16 clients, enough for
/// more than two Raft snapshots at the default <c>snapshot-every-entries = 10000</c>; the leader is killed with
/// SIGKILL in the middle. Then the whole cluster is stopped gracefully and started again on the same data: every
/// acknowledged write must be there, no node may fail applying an entry, see a conflict with a committed entry or
/// die. Finally the leader is killed once more and the survivors must be able to remove it (a membership change
/// after a leader change).
/// The restart defect of issue 10 (the journal's log snapshot replayed with its retained tail misplaced) shows only
/// when a node's log held entries beyond the snapshot index at its last snapshot; that depends on the load at that
/// moment, so the spec logs it per node (step 4) rather than forcing it.
/// </summary>
public class RestartAfterSnapshotsProcessSpec(ITestOutputHelper log)
{
    private const int KeyCount = 25_000;
    private const int Writers = 16;
    private const int KillLeaderAfterAcks = 12_000;
    private const int Readers = 16;
    // hocon/raft.conf's default, deliberately not overridden: the spec is about the shipped setting.
    private const long SnapshotEveryEntries = 10_000;
    private const int LocalSampleStride = 25;
    // The meta group's Raft log actor (RaftLogActor.PersistenceId of group 0).
    private const string MetaLogPersistenceId = "raft-0";

    // Generous: a 2-core machine runs three nodes and the clients; no step has a timing goal.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PhasePatience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExitPatience = TimeSpan.FromMinutes(1);
    // A membership change normally commits within an election timeout or two once the new leader has committed an entry.
    private static readonly TimeSpan AdminPatience = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private static readonly string[] FatalLogMarks = ["failed applying", "conflicts with committed"];

    private static string KeyOf(int i) => $"restart/k{i:D5}";

    private static string ValueOf(int i) => $"value-{i:D5}";

    /// <summary>Three node processes on fixed ports and data dirs; every process ever started is kept for its log.</summary>
    private sealed class Cluster : IDisposable
    {
        private readonly List<(string Label, NodeProcess Process)> _all = [];

        public required string DataRoot { get; init; }
        public required int[] Http { get; init; }
        public required int[] Remote { get; init; }

        /// <summary>The processes meant to be running now (null: never started, stopped or killed).</summary>
        public NodeProcess?[] Running { get; } = new NodeProcess?[3];

        public string Founders => string.Join(",", Remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));

        public string DataDir(int i) => Path.Combine(DataRoot, $"n{i + 1}");

        public void Start(int i, string label)
        {
            if (Running[i] is not null) throw new InvalidOperationException($"n{i + 1} is already running");
            // The shipped settings (hocon/dsync.conf) apart from ports, data dir, seeds and founders, as scripts/cluster.sh
            // starts them; NodeProcess.StartMember adds fast failure-detector heartbeats and log level warning.
            var p = NodeProcess.StartMember($"n{i + 1}", Http[i], Remote[i], Remote.Where((_, j) => j != i), DataDir(i), Founders);
            Running[i] = p;
            lock (_all) _all.Add(($"n{i + 1} ({label})", p));
        }

        public void KillHard(int i)
        {
            Running[i]!.KillHard();
            Running[i] = null;
        }

        /// <summary>
        /// Fails at once when a process meant to be running has exited or a node logged a broken Raft log or state
        /// machine: no need to wait for a timeout then, and the message says what broke.
        /// </summary>
        public void ThrowIfBroken()
        {
            ThrowIfAnyExited();
            var fatal = FatalLogLines();
            if (fatal.Count > 0)
                throw new Xunit.Sdk.XunitException($"{fatal.Count} node log lines show a broken Raft log or state machine, e.g.\n" + string.Join("\n", fatal.Take(10)));
        }

        /// <summary>Fails at once when a process meant to be running has exited.</summary>
        public void ThrowIfAnyExited()
        {
            for (var i = 0; i < 3; i++)
            {
                if (Running[i] is { HasExited: true } p)
                {
                    p.WaitForExit(TimeSpan.FromSeconds(10));
                    throw new Xunit.Sdk.XunitException(
                        $"node n{i + 1} exited unexpectedly with code {p.ExitCode}; its last log lines:\n{Tail(p.Output, 30)}");
                }
            }
        }

        /// <summary>Lines of any node's log (every run) that show a broken log or state machine.</summary>
        public List<string> FatalLogLines()
        {
            var found = new List<string>();
            lock (_all)
            {
                foreach (var (label, p) in _all)
                {
                    foreach (var line in p.Output.Split('\n'))
                    {
                        if (FatalLogMarks.Any(m => line.Contains(m, StringComparison.Ordinal))) found.Add($"{label}: {line.TrimEnd()}");
                    }
                }
            }
            return found;
        }

        public string AllOutput()
        {
            var sb = new System.Text.StringBuilder();
            lock (_all)
            {
                foreach (var (label, p) in _all) sb.AppendLine($"----- {label}, pid {p.Id} -----").AppendLine(Tail(p.Output, 200));
            }
            return sb.ToString();
        }

        public void Dispose()
        {
            lock (_all)
            {
                foreach (var (_, p) in _all) p.Dispose();
            }
            // NodeProcess.Dispose waits for each process to exit, so nothing writes into the data dir any more
            if (Directory.Exists(DataRoot)) Directory.Delete(DataRoot, recursive: true);
        }
    }

    [Fact]
    public async Task After_more_than_two_snapshots_and_a_killed_leader_a_full_restart_keeps_every_acknowledged_write_and_membership_changes_still_commit()
    {
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        using var cluster = new Cluster
        {
            DataRoot = Path.Combine(Path.GetTempPath(), "dsync-restart-snap-" + Guid.NewGuid().ToString("N")),
            Http = TestPorts.Free(3),
            Remote = TestPorts.Free(3),
        };
        var clients = cluster.Http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(20))).ToArray();
        void Step(string what)
        {
            log.WriteLine($"[{total.Elapsed.TotalSeconds,6:0.0} s] {what} (phase {phase.Elapsed.TotalSeconds:0.0} s)");
            phase.Restart();
        }
        try
        {
            // 1. start three node processes (sqlite journal, the default) on free loopback ports, each with its own data dir
            for (var i = 0; i < 3; i++) cluster.Start(i, "first run");
            var leader = await WaitForLeaderAsync(cluster, clients, [0, 1, 2], "a leader seen by all three nodes after the first start");
            Step($"1. cluster up, leader n{leader + 1}");

            // 2. 16 concurrent clients write 25,000 distinct keys via PUT /kv; every write acknowledged with 200 is recorded
            var acked = new ConcurrentDictionary<int, (string Value, long Version)>();
            var retries = 0L;
            var nextKey = -1;
            // A last resort only: the wait below reports first, with the count reached.
            using var writeDeadline = new CancellationTokenSource(PhasePatience + PhasePatience);
            async Task WriterAsync(int writer)
            {
                var node = writer % 3;
                for (var i = Interlocked.Increment(ref nextKey); i < KeyCount; i = Interlocked.Increment(ref nextKey))
                {
                    // The same value on every attempt of a key: an attempt whose answer was lost may still apply later.
                    while (true)
                    {
                        writeDeadline.Token.ThrowIfCancellationRequested();
                        try
                        {
                            var put = await clients[node].PutAsync(KeyOf(i), ValueOf(i), ct: writeDeadline.Token);
                            acked[i] = (ValueOf(i), put.Version);
                            break;
                        }
                        catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException { StatusCode: HttpStatusCode.ServiceUnavailable })
                        {
                            // Unknown outcome (dead node, no quorum yet): try the next node after a short pause.
                            Interlocked.Increment(ref retries);
                            node = (node + 1) % 3;
                            await Task.Delay(RetryPause, writeDeadline.Token);
                        }
                    }
                }
            }
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriterAsync(w))).ToArray();

            // 3. kill -9 the leader in the middle of the write phase (after 12,000 acks); the writers go on against the survivors
            await WaitAsync(cluster, () => Task.FromResult(acked.Count), n => n >= KillLeaderAfterAcks || writers.Any(w => w.IsCompleted),
                PhasePatience, $"{KillLeaderAfterAcks} acknowledged writes");
            if (writers.FirstOrDefault(w => w.IsFaulted) is { } failedEarly) await failedEarly;
            var writeRate = acked.Count / phase.Elapsed.TotalSeconds;
            leader = await WaitForLeaderAsync(cluster, clients, [0, 1, 2], "the leader to kill during the writes");
            var firstKilled = leader;
            cluster.KillHard(firstKilled);
            Step($"3. killed the leader n{firstKilled + 1} after {acked.Count} acks ({writeRate:0} writes/s so far)");
            var survivors = Enumerable.Range(0, 3).Where(i => i != firstKilled).ToArray();
            var allWriters = Task.WhenAll(writers);
            await WaitAsync(cluster, () => Task.FromResult(acked.Count), _ => allWriters.IsCompleted, PhasePatience,
                $"the writers to finish all {KeyCount} keys against n{survivors[0] + 1} and n{survivors[1] + 1} (value: keys acknowledged)");
            await allWriters;
            Assert.Equal(KeyCount, acked.Count);
            var lastAckedIndex = acked.Values.Max(a => a.Version);
            Step($"2./3. {acked.Count} writes acknowledged, {retries} retried attempts, last acknowledged index {lastAckedIndex}");

            // 4. stop all nodes gracefully (SIGTERM, as scripts/cluster.sh on Ctrl-C) ...
            cluster.ThrowIfBroken();
            var stopping = survivors.Select(i => cluster.Running[i]!).ToArray();
            foreach (var p in stopping) p.Terminate();
            foreach (var (p, i) in stopping.Zip(survivors))
            {
                Assert.True(p.WaitForExit(ExitPatience), $"n{i + 1} did not stop within {ExitPatience.TotalSeconds:0} s of SIGTERM");
                log.WriteLine($"n{i + 1} stopped with exit code {p.ExitCode}");
                cluster.Running[i] = null;
            }

            // ... and (step 2's promise) make sure the snapshots really happened: each survivor's latest Raft snapshot,
            // read from its journal, is at index >= 2 * snapshot-every-entries. A node snapshots only after that many
            // applied entries since its last snapshot (or start), so each survivor took at least two. The log line also
            // says whether the log held entries beyond the snapshot index when it was taken: only then does today's
            // restart defect show (it depends on the load at that moment; the spec cannot force it).
            var snapshotIndex = new long[3];
            for (var i = 0; i < 3; i++)
            {
                (snapshotIndex[i], var description) = await LatestRaftSnapshotAsync(cluster.DataDir(i));
                log.WriteLine($"n{i + 1}: {description}");
            }
            foreach (var i in survivors)
                Assert.True(snapshotIndex[i] >= 2 * SnapshotEveryEntries,
                    $"n{i + 1}'s latest Raft snapshot is at index {snapshotIndex[i]}, below {2 * SnapshotEveryEntries}: fewer than two snapshots, the spec would pass vacuously");

            // ... then restart all three on the same data dirs and ports
            for (var i = 0; i < 3; i++) cluster.Start(i, "restart");
            Step("4. stopped the survivors gracefully and restarted all three");

            // 5. every acknowledged write is readable with its value; no node logged an apply failure or a conflict; no node exited
            leader = await WaitForLeaderAsync(cluster, clients, [0, 1, 2], "a leader seen by all three nodes after the restart");
            for (var i = 0; i < 3; i++)
            {
                var n = i;
                await WaitAsync(cluster, () => RunningGroupStatusAsync(clients[n]), s => s.LastApplied >= lastAckedIndex, Patience,
                    $"n{n + 1} to apply up to the last acknowledged write (index {lastAckedIndex}) after the restart");
            }
            Step($"5. leader n{leader + 1} after the restart; all three applied up to index {lastAckedIndex}");
            cluster.ThrowIfBroken();

            var wrong = new ConcurrentQueue<string>();
            var nextRead = -1;
            async Task ReaderAsync(int reader)
            {
                var node = reader % 3;
                for (var i = Interlocked.Increment(ref nextRead); i < KeyCount; i = Interlocked.Increment(ref nextRead))
                {
                    var key = KeyOf(i);
                    var got = await ReadAsync(cluster, clients, key, ReadConsistency.Linearizable, node, n => node = n);
                    var (value, version) = acked[i];
                    if (got is null || got.Value != value || got.Version < version)
                        wrong.Enqueue($"{key}: acknowledged {value} at v{version}, read {(got is null ? "nothing" : $"{got.Value} v{got.Version}")} from n{node + 1}");
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Readers).Select(r => Task.Run(() => ReaderAsync(r))));
            Assert.True(wrong.IsEmpty, $"{wrong.Count} of {KeyCount} acknowledged writes not read back (linearizable) after the restart, e.g.\n"
                + string.Join("\n", wrong.Take(10)));
            Step($"5. all {KeyCount} acknowledged writes read back (linearizable)");

            // every node's own replica (consistency=local) holds a sample, the same version everywhere
            for (var i = 0; i < KeyCount; i += LocalSampleStride)
            {
                var (value, version) = acked[i];
                KvGetResponse? first = null;
                for (var n = 0; n < 3; n++)
                {
                    var got = await ReadAsync(cluster, clients, KeyOf(i), ReadConsistency.Local, n, null);
                    Assert.True(got is not null && got.Value == value && got.Version >= version,
                        $"n{n + 1}'s local replica: {KeyOf(i)} acknowledged {value} at v{version}, read {(got is null ? "nothing" : $"{got.Value} v{got.Version}")}");
                    if (n == 0) first = got;
                    else Assert.Equal(first, got);
                }
            }
            cluster.ThrowIfBroken();
            Step($"5. a sample of {KeyCount / LocalSampleStride} keys read locally on every node; logs clean");

            // 6. kill -9 the current leader; a new leader among the two others; POST /cluster/down/{dead} answers 202 and
            // /raft/status of the survivors no longer lists the dead node
            leader = await WaitForLeaderAsync(cluster, clients, [0, 1, 2], "the leader to kill after the restart");
            var dead = leader;
            var deadId = $"n{dead + 1}";
            cluster.KillHard(dead);
            survivors = Enumerable.Range(0, 3).Where(i => i != dead).ToArray();
            var newLeader = await WaitForLeaderAsync(cluster, clients, survivors, $"a new leader among the survivors of {deadId}");
            Step($"6. killed the leader {deadId}; new leader n{newLeader + 1}");

            var answer = await DownAsync(cluster, clients[newLeader], deadId, AdminPatience);
            Assert.Equal("down", answer.Accepted);
            Assert.Equal(deadId, answer.NodeId);
            foreach (var i in survivors)
            {
                await WaitAsync(cluster, () => clients[i].GetRaftStatusAsync(), s => s.Groups[0].Members.All(m => m.NodeId != deadId), Patience,
                    $"/raft/status of n{i + 1} without the downed {deadId}");
            }
            // the two remaining members are a quorum of the new configuration
            await clients[survivors[0]].PutAsync("restart/after-down", "ok");
            cluster.ThrowIfBroken();
            Step($"6. {deadId} downed: gone from /raft/status of n{survivors[0] + 1} and n{survivors[1] + 1}, and they still commit");
        }
        catch
        {
            log.WriteLine($"failed after {total.Elapsed.TotalSeconds:0.0} s; node logs:");
            log.WriteLine(cluster.AllOutput());
            throw;
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>
    /// <c>POST /cluster/down</c>, retried while it answers 503 (safe to retry: e.g. the new leader has not yet committed
    /// an entry of its term). A 404 after a 503 means that earlier attempt went through; the caller checks /raft/status.
    /// </summary>
    private async Task<AcceptedResponse> DownAsync(Cluster cluster, DistSyncClient client, string nodeId, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        var unavailable = new List<string>();
        while (true)
        {
            cluster.ThrowIfBroken();
            var attempt = Stopwatch.StartNew();
            try
            {
                var accepted = await client.DownAsync(nodeId);
                log.WriteLine($"POST /cluster/down/{nodeId}: 202 after {unavailable.Count} answers 503");
                return accepted;
            }
            catch (DistSyncApiException e) when (e.StatusCode == HttpStatusCode.NotFound && unavailable.Count > 0)
            {
                return new AcceptedResponse("down", nodeId);
            }
            catch (DistSyncApiException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                unavailable.Add($"503 after {attempt.Elapsed.TotalSeconds:0.0} s: {e.Problem?.Detail ?? e.Message}");
                if (DateTime.UtcNow > deadline)
                {
                    throw new Xunit.Sdk.XunitException($"POST /cluster/down/{nodeId} to {client.BaseAddress.Authority} never answered 202 within "
                        + $"{patience.TotalSeconds:0} s; {unavailable.Count} answers, the first and the last:\n{unavailable[0]}\n{unavailable[^1]}");
                }
                await Task.Delay(RetryPause);
            }
        }
    }

    /// <summary>A read retried on other nodes while the answer is 503 or none (the cluster may still be settling).</summary>
    private static async Task<KvGetResponse?> ReadAsync(Cluster cluster, DistSyncClient[] clients, string key, ReadConsistency consistency, int node,
        Action<int>? rotated)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await clients[node].GetAsync(key, consistency);
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException { StatusCode: HttpStatusCode.ServiceUnavailable }
                                      && DateTime.UtcNow < deadline)
            {
                cluster.ThrowIfBroken();
                // A local read must come from this very node: retry it; a linearizable one may use another node.
                if (rotated is not null)
                {
                    node = (node + 1) % clients.Length;
                    rotated(node);
                }
                await Task.Delay(RetryPause);
            }
        }
    }

    /// <summary>
    /// The latest Raft snapshot of the meta group in a stopped node's SQLite journal (index 0: none), with what the
    /// journal's log snapshot (RaftLogState) holds besides it, for the test log.
    /// </summary>
    private static async Task<(long Index, string Description)> LatestRaftSnapshotAsync(string dataDir)
    {
        var file = Path.Combine(dataDir, "persistence.db");
        if (!File.Exists(file)) return (0, "no journal");
        await using var store = new SqliteSnapshotStore(file);
        var latest = await store.LoadAsync(MetaLogPersistenceId, SnapshotSelectionCriteria.Latest);
        if (latest is null) return (0, "no log snapshot");
        var state = RaftLogState.Parser.ParseFrom(latest.Snapshot.Payload);
        var index = state.Snapshot?.Metadata?.Index ?? 0;
        var entries = state.Entries.Count == 0 ? "no entries" : $"entries {state.Entries[0].Index}..{state.Entries[^1].Index}";
        var beyond = state.Entries.Count == 0 ? 0 : Math.Max(0, state.Entries[^1].Index - index);
        return (index, $"Raft snapshot at {index}, log snapshot (journal seq {latest.Metadata.SequenceNr}) with {entries} "
            + $"({beyond} beyond the snapshot index), commit {state.HardState?.Commit}");
    }

    /// <summary>/status of a node whose meta group still runs: a group stopped by a failure fails the spec at once.</summary>
    private static async Task<StatusResponse> RunningGroupStatusAsync(DistSyncClient client)
    {
        var status = await client.GetStatusAsync();
        if (status.Role == "stopped")
            throw new Xunit.Sdk.XunitException($"the meta Raft group of {status.NodeId} has stopped (term {status.Term}, last applied {status.LastApplied})");
        return status;
    }

    /// <summary>
    /// Polls like <see cref="Eventually.Until{T}"/>, but fails at once when a node that should run has exited or logged a
    /// broken Raft log, or when <paramref name="read"/> throws an assertion failure.
    /// </summary>
    private static async Task<T> WaitAsync<T>(Cluster cluster, Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = default!;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            cluster.ThrowIfBroken();
            try
            {
                last = await read();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                lastError = e;
            }
            await Task.Delay(100);
        }
        cluster.ThrowIfBroken();
        throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:0} s; last value: "
            + $"{(last is null ? "none" : System.Text.Json.JsonSerializer.Serialize(last, DistSyncJson.Options))}"
            + (lastError is null ? "" : $"; last error: {lastError.Message}"));
    }

    /// <summary>Waits until every node in <paramref name="nodes"/> names the same leader, one of them; returns its index.</summary>
    private static async Task<int> WaitForLeaderAsync(Cluster cluster, DistSyncClient[] clients, int[] nodes, string what)
    {
        var leaders = await WaitAsync(cluster,
            async () =>
            {
                var seen = new string?[nodes.Length];
                for (var i = 0; i < nodes.Length; i++) seen[i] = (await RunningGroupStatusAsync(clients[nodes[i]])).Leader;
                return seen;
            },
            seen => seen[0] is not null && seen.All(l => l == seen[0]) && nodes.Contains(IndexOf(seen[0]!)),
            Patience, what);
        return IndexOf(leaders[0]!);
    }

    private static int IndexOf(string nodeId) =>
        nodeId.Length > 1 && int.TryParse(nodeId.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n - 1 : -1;

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
