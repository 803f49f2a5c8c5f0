using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DistSync.Client;
using KvRangeResponse = DistSync.Client.Contracts.KvRangeResponse;
using KvTxnRequest = DistSync.Client.Contracts.KvTxnRequest;
using KvTxnResponse = DistSync.Client.Contracts.KvTxnResponse;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using KvCompare = DistSync.Linearizability.Models.KvCompare;
using KvRange = DistSync.Linearizability.Models.KvRange;
using KvTxn = DistSync.Linearizability.Models.KvTxn;
using Model = DistSync.Linearizability.Models;

namespace DistSync.Node.Tests.Kv;

/// <summary>
/// Transactions, range reads, puts and gets from four seeded clients through every node of three in-process nodes
/// over HTTP, while the leader is cut off and later healed. The recorded history must be linearizable with
/// <see cref="KvTxnModel"/>. A time-out, a lost connection or a 5xx is an unknown outcome.
/// </summary>
public class KvTxnClusterLinearizabilitySpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly string[] Keys = ["t/a", "t/b", "t/p/1", "t/p/2"];

    [Fact]
    public async Task A_txn_history_through_every_node_while_the_leader_is_cut_off_is_linearizable()
    {
        // 1. four clients work through their nodes; calls to a cut-off leader give up after 2 s (503, an unknown outcome)
        await using var cluster = await InProcessCluster.StartAsync(3, requestTimeout: TimeSpan.FromSeconds(2));
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var recorder = new HistoryRecorder<KvInput, KvOutput>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => ClientLoopAsync(c, cluster, recorder, stop.Token))).ToList();
        await Eventually.Until(() => Task.FromResult(recorder.Count), n => n >= 50, Patience, "50 operations before the fault");

        // 2. the leader is cut off: its clients' calls stall or fail over, the others elect a new leader and go on
        await cluster.Faults.IsolateAsync(cluster.Nodes[leader]);
        var before = recorder.Count;
        await Eventually.Until(() => Task.FromResult(recorder.Count), n => n >= before + 40, Patience, "40 operations with the leader cut off");

        // 3. heal: the old leader rejoins as a follower and catches up
        await cluster.Faults.HealAllAsync();
        before = recorder.Count;
        await Eventually.Until(() => Task.FromResult(recorder.Count), n => n >= before + 40, Patience, "40 operations after healing");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // 4. the history is linearizable, and it has committed txns on both branches
        var history = recorder.ToHistory();
        var result = LinearizabilityChecker.Check(new KvTxnModel(), history, TimeSpan.FromSeconds(60));
        Assert.True(result.IsOk, result.Explain());
        var txns = history.Where(o => o.Input.Kind == KvOperationKind.Txn && o.Output.IsKnown).Select(o => o.Output.Value.Txn!).ToList();
        Assert.Contains(txns, t => t.Succeeded && t.Results.Any(r => r.Kind == Model.KvTxnOpKind.Put));
        Assert.Contains(txns, t => !t.Succeeded);
    }

    private static async Task ClientLoopAsync(int client, InProcessCluster cluster, HistoryRecorder<KvInput, KvOutput> recorder, CancellationToken stop)
    {
        var random = new Random(2000 + client);
        var node = client % cluster.Nodes.Count;
        var seen = new Dictionary<string, long>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(8) };
        while (!stop.IsCancellationRequested)
        {
            var input = NextInput(random, seen, client);
            // Now and then a call goes to another node, so the cut-off leader keeps getting some.
            var target = random.Next(4) == 0 ? random.Next(cluster.Nodes.Count) : node;
            var call = recorder.Call(client, input);
            try
            {
                var output = await ExecuteAsync(http, cluster.Nodes[target].HttpAddress, cluster.Clients[target], input);
                recorder.Return(call, output);
                Remember(seen, input, output);
            }
            catch (Exception e) when (IsUnknown(e))
            {
                // Unknown outcome; the next call goes to another node (this one may be cut off).
                recorder.TimedOut(call);
                node = (node + 1) % cluster.Nodes.Count;
            }
        }
    }

    private static bool IsUnknown(Exception e) => e is NodeUnreachableException or HttpRequestException or TaskCanceledException or IOException
        or DistSyncApiException { StatusCode: >= HttpStatusCode.InternalServerError }
        or UnknownAnswerException;

    private static KvInput NextInput(Random random, Dictionary<string, long> seen, int client)
    {
        string Key() => Keys[random.Next(Keys.Length)];
        string Value() => $"{client}{random.Next(3)}";
        switch (random.Next(12))
        {
            case < 2:
                return KvInput.Get(Key());
            case < 4:
                return KvInput.Put(Key(), Value());
            case 4:
                var key = Key();
                return KvInput.CompareAndSet(key, Value(), seen.GetValueOrDefault(key));
            case < 7:
                return KvInput.RangeRead(random.Next(2) == 0 ? KvRange.WithPrefix("t/", limit: 1 + random.Next(3)) : KvRange.WithPrefix("t/p/"));
        }

        var compares = new List<KvCompare>();
        for (var c = random.Next(3); c > 0; c--)
        {
            var k = Key();
            compares.Add(random.Next(5) switch
            {
                0 => KvCompare.Version(k, seen.GetValueOrDefault(k)),
                4 => KvCompare.Version(k, seen.GetValueOrDefault(k) + random.Next(-1, 2), (KvCompareOp)random.Next(4)),
                1 => KvCompare.Value(k, Value(), (KvCompareOp)random.Next(4)),
                2 => KvCompare.CreateVersion(k, seen.GetValueOrDefault(k), (KvCompareOp)random.Next(4)),
                _ => KvCompare.Exists(k, random.Next(2) == 0),
            });
        }

        // Deletes are frequent enough that compares often meet missing keys.
        List<Model.KvTxnOp> Branch(int n) => Enumerable.Range(0, n).Select(_ => random.Next(8) switch
        {
            < 3 => Model.KvTxnOp.Put(Key(), Value()),
            < 5 => Model.KvTxnOp.Get(Key()),
            < 7 => Model.KvTxnOp.Delete(Key()),
            _ => Model.KvTxnOp.DeletePrefix("t/p/"),
        }).ToList();

        return KvInput.Transaction(new KvTxn(compares, Branch(1 + random.Next(2)), Branch(random.Next(2))));
    }

    private static void Remember(Dictionary<string, long> seen, KvInput input, KvOutput output)
    {
        // Compares name versions this client saw, so compare-and-sets win often enough.
        if (input.Kind == KvOperationKind.Get && output.Ok) seen[input.Key] = output.Version;
        if (input.Kind == KvOperationKind.Put && output.Ok) seen[input.Key] = output.Version;
        if (input.Kind == KvOperationKind.Txn)
        {
            var ops = output.Txn!.Succeeded ? input.Txn!.Success : input.Txn!.Failure;
            for (var i = 0; i < ops.Count; i++)
            {
                if (output.Txn.Results[i] is { Kind: Model.KvTxnOpKind.Get, Found: true } or { Kind: Model.KvTxnOpKind.Put })
                    seen[ops[i].Key] = output.Txn.Results[i].Version;
            }
        }
    }

    private static async Task<KvOutput> ExecuteAsync(HttpClient http, Uri node, DistSyncClient client, KvInput input)
    {
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                var got = await client.GetAsync(input.Key);
                return got is null ? KvOutput.NotFound : KvOutput.Found(got.Value, got.Version, got.CreateVersion);
            case KvOperationKind.Put:
                try
                {
                    return KvOutput.Written((await client.PutAsync(input.Key, input.Value!, input.ExpectedVersion)).Version);
                }
                catch (VersionMismatchException)
                {
                    return KvOutput.VersionMismatch;
                }

            case KvOperationKind.Range:
                var range = input.Range!;
                var query = "prefix=" + Uri.EscapeDataString(range.Prefix!) + (range.Limit == 0 ? "" : "&limit=" + range.Limit.ToString(CultureInfo.InvariantCulture));
                var page = await SendAsync<KvRangeResponse>(http, new HttpRequestMessage(HttpMethod.Get, new Uri(node, "kv?" + query)));
                return KvOutput.RangeResult(new KvRangeResult(
                    page.Kvs.Select(kv => new KvRangeItem(kv.Key, kv.Value, kv.Version, kv.CreateVersion)).ToList(), page.More, page.Revision));
            default:
                var txn = input.Txn!;
                var body = new KvTxnRequest(txn.Compares.Select(ToContract).ToList(), txn.Success.Select(ToContract).ToList(), txn.Failure.Select(ToContract).ToList());
                var answer = await SendAsync<KvTxnResponse>(http, new HttpRequestMessage(HttpMethod.Post, new Uri(node, "kv/txn"))
                {
                    Content = JsonContent.Create(body, options: DistSyncJson.Options),
                });
                return KvOutput.Transaction(new KvTxnResult(answer.Succeeded, answer.Version, answer.Results.Select(FromContract).ToList()));
        }
    }

    private static async Task<T> SendAsync<T>(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode >= 500) throw new UnknownAnswerException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}");
            Assert.True(response.IsSuccessStatusCode, $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}");
            return System.Text.Json.JsonSerializer.Deserialize<T>(text, DistSyncJson.Options)!;
        }
    }

    private static Client.Contracts.KvCompare ToContract(Model.KvCompare c)
    {
        var op = c.Op switch { KvCompareOp.Equal => "==", KvCompareOp.NotEqual => "!=", KvCompareOp.Less => "<", _ => ">" };
        return c.Target switch
        {
            KvCompareTarget.Version => new Client.Contracts.KvCompare(c.Key, op, Version: c.Number),
            KvCompareTarget.CreateVersion => new Client.Contracts.KvCompare(c.Key, op, CreateVersion: c.Number),
            KvCompareTarget.Value => new Client.Contracts.KvCompare(c.Key, op, Value: c.Text),
            _ => new Client.Contracts.KvCompare(c.Key, op, Exists: c.Flag),
        };
    }

    private static Client.Contracts.KvTxnOp ToContract(Model.KvTxnOp op) => op.Kind switch
    {
        Model.KvTxnOpKind.Put => new Client.Contracts.KvTxnOp("put", op.Key, op.Value),
        Model.KvTxnOpKind.Delete => new Client.Contracts.KvTxnOp("delete", op.Key),
        Model.KvTxnOpKind.DeletePrefix => new Client.Contracts.KvTxnOp("delete", Prefix: op.Key),
        _ => new Client.Contracts.KvTxnOp("get", op.Key),
    };

    private static Model.KvTxnOpResult FromContract(Client.Contracts.KvTxnOpResult r) => r.Op switch
    {
        "put" => Model.KvTxnOpResult.Put(r.Version ?? 0),
        "delete" => Model.KvTxnOpResult.Delete(r.Deleted ?? -1),
        _ => r.Found == true ? Model.KvTxnOpResult.GetFound(r.Value!, r.Version ?? 0, r.CreateVersion ?? 0) : Model.KvTxnOpResult.GetMissing,
    };

    /// <summary>A 5xx answer: the request may or may not have taken effect.</summary>
    private sealed class UnknownAnswerException(string message) : Exception(message);
}
