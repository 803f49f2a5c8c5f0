using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary><c>POST /kv/txn</c> of docs/KV.md on three in-process nodes.</summary>
public class KvTxnRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_txn_runs_its_success_branch_atomically_and_reports_each_op()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var node = cluster.Nodes[2].HttpAddress;
        var a = await cluster.Clients[0].PutAsync("acct/a", "100");
        await cluster.Clients[0].PutAsync("old/1", "x");
        await cluster.Clients[0].PutAsync("old/2", "x");

        // 1. compares hold: both puts, the prefix delete and the get run in one entry
        var ok = await http.TxnAsync(node, new KvTxnRequest(
            [new KvCompare("acct/a", Version: a.Version), new KvCompare("acct/b", Exists: false)],
            [new KvTxnOp("put", "acct/a", "60"), new KvTxnOp("put", "acct/b", "40"), new KvTxnOp("delete", Prefix: "old/"), new KvTxnOp("get", "acct/b")],
            [new KvTxnOp("get", "acct/a")]));
        Assert.True(ok.Succeeded);
        Assert.Equal(4, ok.Results.Count);
        Assert.Equal(("put", "acct/a", ok.Version), (ok.Results[0].Op, ok.Results[0].Key, ok.Results[0].Version!.Value));
        Assert.Equal(("delete", "old/", 2L), (ok.Results[2].Op, ok.Results[2].Prefix, ok.Results[2].Deleted!.Value));
        Assert.Equal((true, "40", ok.Version), (ok.Results[3].Found!.Value, ok.Results[3].Value, ok.Results[3].Version!.Value));
        var got = await cluster.Clients[1].GetAsync("acct/b");
        Assert.Equal((ok.Version, ok.Version), (got!.Version, got.CreateVersion));

        // 2. the same compares now fail: only the failure branch runs
        var failed = await http.TxnAsync(cluster.Nodes[0].HttpAddress, new KvTxnRequest(
            [new KvCompare("acct/a", Version: a.Version)],
            [new KvTxnOp("put", "acct/a", "0")],
            [new KvTxnOp("get", "acct/a"), new KvTxnOp("get", "nope")]));
        Assert.False(failed.Succeeded);
        Assert.Equal("60", failed.Results[0].Value);
        Assert.False(failed.Results[1].Found!.Value);
        Assert.Equal("60", (await cluster.Clients[2].GetAsync("acct/a"))!.Value);
    }

    [Fact]
    public async Task Concurrent_compare_and_swap_increments_from_every_node_lose_no_update()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        await cluster.Clients[0].PutAsync("counter", "0");

        // 1. six workers, two per node, each adds 1 ten times with a CAS txn, retrying on a lost compare
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var node = cluster.Nodes[w % 3].HttpAddress;
            var mine = 0;
            while (mine < 10)
            {
                var read = await http.TxnAsync(node, new KvTxnRequest(null, [new KvTxnOp("get", "counter")]));
                var current = read.Results[0];
                var next = (int.Parse(current.Value!) + 1).ToString();
                var cas = await http.TxnAsync(node, new KvTxnRequest([new KvCompare("counter", Version: current.Version)], [new KvTxnOp("put", "counter", next)]));
                if (cas.Succeeded) mine++;
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        // 2. every success is counted exactly once
        Assert.Equal("60", (await cluster.Clients[1].GetAsync("counter"))!.Value);
    }

    [Theory]
    [InlineData("{\"compare\":[{\"key\":\"a\",\"version\":1,\"value\":\"x\"}]}", 400, "compare[0]")]
    [InlineData("{\"compare\":[{\"key\":\"a\",\"version\":1,\"op\":\"~\"}]}", 400, "compare[0].op")]
    [InlineData("{\"compare\":[{\"key\":\"a\",\"exists\":true,\"op\":\"<\"}]}", 400, "compare[0].op")]
    [InlineData("{\"compare\":[{\"version\":1}]}", 400, "compare[0].key")]
    [InlineData("{\"success\":[{\"op\":\"upsert\",\"key\":\"a\"}]}", 400, "success[0].op")]
    [InlineData("{\"success\":[{\"op\":\"put\",\"key\":\"a\"}]}", 400, "success[0].value")]
    [InlineData("{\"failure\":[{\"op\":\"delete\",\"key\":\"a\",\"prefix\":\"b\"}]}", 400, "failure[0]")]
    [InlineData("{\"success\":[{\"op\":\"get\",\"key\":\"a\",\"sessionId\":\"s\"}]}", 400, "success[0].sessionId")]
    [InlineData("{\"success\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"v\",\"sessionId\":\"no-such-session\"}]}", 404, "no-such-session")]
    [InlineData("{\"compare\":", 400, "")]
    [InlineData("{\"compare\":5}", 400, "compare")]
    public async Task Bad_transactions_get_a_clear_error_and_change_nothing(string json, int status, string named)
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var node = cluster.Nodes[0].HttpAddress;

        var (code, problem) = await http.TxnProblemAsync(node, json);

        Assert.Equal(status, code);
        Assert.Contains(named, problem!.Detail);
        Assert.Null(await cluster.Clients[0].GetAsync("a"));
    }

    [Fact]
    public async Task Oversized_txn_values_get_a_413_and_too_many_ops_a_413()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, extra: "kv.max-value-size = 64B");
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var node = cluster.Nodes[0].HttpAddress;

        var (big, bigProblem) = await http.TxnProblemAsync(node, "{\"success\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"" + new string('x', 65) + "\"}]}");
        var ops = string.Join(",", Enumerable.Range(0, 129).Select(i => $"{{\"op\":\"get\",\"key\":\"k{i}\"}}"));
        var (many, manyProblem) = await http.TxnProblemAsync(node, "{\"success\":[" + ops + "]}");

        Assert.Equal((413, 413), (big, many));
        Assert.Contains("success[0].value", bigProblem!.Detail);
        Assert.Contains("128", manyProblem!.Detail);
    }
}
