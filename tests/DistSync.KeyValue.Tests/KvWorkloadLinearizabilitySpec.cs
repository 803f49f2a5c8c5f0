using DistSync.KeyValue.Wire;
using DistSync.Linearizability;
using DistSync.Linearizability.Models;

namespace DistSync.KeyValue.Tests;

/// <summary>
/// Seeded random workloads: several simulated clients with overlapping calls, each applied to the state machine
/// at a random point inside its call interval (some answers lost, some lost commands never applied). The recorded
/// history must be linearizable with <see cref="KvModel"/>, versions checked.
/// </summary>
public class KvWorkloadLinearizabilitySpec
{
    private sealed class Pending(int client, KvInput input, PendingCall call)
    {
        public int Client { get; } = client;
        public KvInput Input { get; } = input;
        public PendingCall Call { get; } = call;
        public KvOutput? Output { get; set; }
        public bool Applied { get; set; }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_seeded_concurrent_workload_yields_a_linearizable_history(int seed)
    {
        var random = new Random(seed);
        var clock = 0L;
        var recorder = new HistoryRecorder<KvInput, KvOutput>(() => ++clock);
        var kv = new KvStateMachine();
        var keys = new[] { "a", "b", "c" };
        var pending = new Pending?[4];
        var lastVersion = new Dictionary<string, long>();
        long index = 0;

        for (var step = 0; step < 600; step++)
        {
            var client = random.Next(pending.Length);
            var p = pending[client];
            if (p is null)
            {
                var input = NextInput(random, keys, lastVersion);
                pending[client] = new Pending(client, input, recorder.Call(client, input));
            }
            else if (!p.Applied)
            {
                // The command takes effect now (a few never do: their answers are lost with them).
                if (random.Next(20) == 0)
                {
                    recorder.TimedOut(p.Call);
                    pending[client] = null;
                    continue;
                }
                index += 1 + random.Next(3); // other groups' entries take indexes too
                p.Output = Execute(kv, ref index, p.Input);
                if (p.Output is { Ok: true, Version: > 0 } o) lastVersion[p.Input.Key] = o.Version;
                p.Applied = true;
            }
            else
            {
                // The answer arrives (or is lost after the effect).
                if (random.Next(15) == 0) recorder.TimedOut(p.Call);
                else recorder.Return(p.Call, p.Output!);
                pending[client] = null;
            }
        }

        var result = LinearizabilityChecker.Check(new KvModel(checkVersions: true), recorder.ToHistory(), TimeSpan.FromSeconds(60));
        Assert.True(result.IsOk, result.Explain());
        Assert.True(recorder.Count > 100);
    }

    [Fact]
    public void The_checker_would_notice_a_store_that_loses_a_write()
    {
        // Guards the spec above: the same recording against a wrong answer is illegal.
        var clock = 0L;
        var recorder = new HistoryRecorder<KvInput, KvOutput>(() => ++clock);
        var kv = new KvStateMachine();
        long index = 0;
        var put = recorder.Call(0, KvInput.Put("a", "1"));
        recorder.Return(put, Execute(kv, ref index, KvInput.Put("a", "1")));
        var get = recorder.Call(1, KvInput.Get("a"));
        recorder.Return(get, KvOutput.NotFound);

        var result = LinearizabilityChecker.Check(new KvModel(checkVersions: true), recorder.ToHistory(), TimeSpan.FromSeconds(10));

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
    }

    private static KvInput NextInput(Random random, string[] keys, Dictionary<string, long> lastVersion)
    {
        var key = keys[random.Next(keys.Length)];
        var value = random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return random.Next(10) switch
        {
            < 3 => KvInput.Get(key),
            < 6 => KvInput.Put(key, value),
            6 => KvInput.CompareAndSet(key, value, 0),
            < 9 => KvInput.CompareAndSet(key, value, lastVersion.GetValueOrDefault(key, 1) + random.Next(2)),
            _ => KvInput.Delete(key),
        };
    }

    private static KvOutput Execute(KvStateMachine kv, ref long index, KvInput input)
    {
        if (index == 0) index = 1;
        switch (input.Kind)
        {
            case KvOperationKind.Get:
                return kv.Get(input.Key) is { } v ? KvOutput.Found(v.Value, v.Version) : KvOutput.NotFound;
            case KvOperationKind.Put:
                var put = kv.Apply(index, index, 0, 0, KvCommands.Put(input.Key, input.Value!, input.ExpectedVersion));
                return put.ResultCase == KvResult.ResultOneofCase.Written ? KvOutput.Written(put.Written.Version) : KvOutput.VersionMismatch;
            default:
                return KvOutput.Deleted(kv.Apply(index, index, 0, 0, KvCommands.Delete(input.Key)).Deleted.Existed);
        }
    }
}
