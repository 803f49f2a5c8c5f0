using DistSync.Cache.Messages;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using Xunit.Abstractions;

namespace DistSync.Cache.Tests;

/// <summary>
/// Concurrent readers and writers on every node of a three-node cluster, recorded and checked (issue 13, item 7):
/// write-through histories with the linearizability checker and the cache model; write-back histories with the
/// per-key sequential-consistency checker (and, without failures, with the linearizability checker too: the protocol
/// answers a write only after every other copy is invalidated). Seeds are fixed; values are unique per write.
/// </summary>
public sealed class CacheHistorySpec
{
    private const int ClientsPerNode = 2;
    private const int OperationsPerClient = 120;
    private static readonly string[] Keys = ["h0", "h1", "h2"];
    private readonly ITestOutputHelper output;

    public CacheHistorySpec(ITestOutputHelper output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Write_through_histories_are_linearizable()
    {
        var history = await RecordAsync(WritePolicy.WriteThrough, seed: 7);

        var result = LinearizabilityChecker.Check(new CacheModel(), history, TimeSpan.FromSeconds(60));

        output.WriteLine($"{history.Count} operations, {result.Outcome} in {result.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(result.IsOk, result.Explain());
    }

    [Fact]
    public async Task Write_back_histories_are_sequentially_consistent_per_key_and_without_failures_linearizable()
    {
        var history = await RecordAsync(WritePolicy.WriteBack, seed: 11);

        var sc = SequentialConsistencyChecker.Check(new CacheModel(), history, TimeSpan.FromSeconds(60));
        var lin = LinearizabilityChecker.Check(new CacheModel(), history, TimeSpan.FromSeconds(60));

        output.WriteLine($"{history.Count} operations: sequential consistency {sc.Outcome} in {sc.Elapsed.TotalMilliseconds:0} ms, linearizability {lin.Outcome} in {lin.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(sc.IsOk, sc.Explain());
        Assert.True(lin.IsOk, lin.Explain());
    }

    private async Task<IReadOnlyList<Operation<CacheInput, CacheOutput>>> RecordAsync(WritePolicy policy, int seed)
    {
        await using var c = await CacheCluster.StartAsync(3, new CacheSettings { WritePolicy = policy });
        var recorder = new HistoryRecorder<CacheInput, CacheOutput>();
        var clients = new List<Task>();
        var clientId = 0;
        foreach (var node in c.Nodes)
        {
            for (var k = 0; k < ClientsPerNode; k++)
            {
                var id = clientId++;
                var random = new Random(seed * 100 + id);
                clients.Add(Task.Run(() => RunClientAsync(node, id, random, recorder)));
            }
        }
        await Task.WhenAll(clients);
        var history = recorder.ToHistory();
        Assert.Equal(3 * ClientsPerNode * OperationsPerClient, history.Count);
        // the run exercised the protocol, not only hits
        Assert.True(c.Nodes.Sum(n => n.Stats.InvalidationsReceived) > 0);
        Assert.True(c.Nodes.Sum(n => n.Stats.Hits) > 0);
        return history;
    }

    private static async Task RunClientAsync(CacheClusterNode node, int clientId, Random random, HistoryRecorder<CacheInput, CacheOutput> recorder)
    {
        for (var i = 0; i < OperationsPerClient; i++)
        {
            var key = Keys[random.Next(Keys.Length)];
            var roll = random.Next(100);
            if (roll < 60)
            {
                var call = recorder.Call(clientId, CacheInput.Read(key));
                try
                {
                    var read = await node.Cache.ReadAsync(key);
                    recorder.Return(call, read.Found ? CacheOutput.Found(read.Value!) : CacheOutput.NotFound);
                }
                catch (CacheRequestFailedException)
                {
                    recorder.TimedOut(call);
                }
            }
            else if (roll < 95)
            {
                var value = $"c{clientId}-{i}";
                var call = recorder.Call(clientId, CacheInput.Write(key, value));
                try
                {
                    await node.Cache.WriteAsync(key, value);
                    recorder.Return(call, CacheOutput.Written);
                }
                catch (CacheRequestFailedException)
                {
                    recorder.TimedOut(call);
                }
            }
            else
            {
                var call = recorder.Call(clientId, CacheInput.Invalidate(key));
                var done = await node.Cache.InvalidateAsync(key);
                if (done.Error.Length == 0) recorder.Return(call, CacheOutput.Invalidated);
                else recorder.TimedOut(call);
            }
        }
    }
}
