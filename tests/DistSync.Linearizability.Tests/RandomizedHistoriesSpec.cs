using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

public class RandomizedHistoriesSpec
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(1, 3, 200, 0.0)]
    [InlineData(2, 5, 500, 0.0)]
    [InlineData(3, 8, 1000, 0.02)]
    [InlineData(4, 4, 2000, 0.01)]
    [InlineData(5, 10, 400, 0.05)]
    public void A_simulated_register_history_is_linearizable(int seed, int clients, int operations, double timeoutRate)
    {
        var history = SimulatedHistories.Register(seed, clients, operations, timeoutRate);

        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), history, Generous);

        Assert.True(result.IsOk, result.Explain());
        Assert.Equal(operations, result.Partitions.Single().LongestLinearizablePrefix.Count);
    }

    [Theory]
    [InlineData(1, 3, 200, 0.0, 0)]
    [InlineData(2, 5, 500, 0.0, 17)]
    [InlineData(3, 8, 1000, 0.02, 40)]
    [InlineData(4, 4, 2000, 0.01, 99)]
    public void A_simulated_register_history_with_one_corrupted_read_is_illegal(int seed, int clients, int operations, double timeoutRate, int nth)
    {
        var history = SimulatedHistories.Register(seed, clients, operations, timeoutRate);
        var corrupted = SimulatedHistories.CorruptRead(history, nth);

        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), history, Generous);

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        var blocked = result.IllegalPartition!.BlockedOperations;
        Assert.Contains(blocked, b => b.HistoryIndex == corrupted);
    }

    [Theory]
    [InlineData(11, 0.0)]
    [InlineData(12, 0.01)]
    public void A_simulated_kv_history_of_5000_operations_over_20_keys_is_linearizable(int seed, double timeoutRate)
    {
        var history = SimulatedHistories.Kv(seed, clients: 10, keys: 20, operations: 5000, timeoutRate);

        var result = LinearizabilityChecker.Check(new KvModel(), history, Generous);

        Assert.True(result.IsOk, result.Explain());
        Assert.Equal(20, result.Partitions.Count);
    }

    [Theory]
    [InlineData(11, 0.0, 5)]
    [InlineData(12, 0.01, 321)]
    public void A_simulated_kv_history_with_one_corrupted_get_is_illegal_in_that_key_only(int seed, double timeoutRate, int nth)
    {
        var history = SimulatedHistories.Kv(seed, clients: 10, keys: 20, operations: 5000, timeoutRate);
        var corrupted = SimulatedHistories.CorruptGet(history, nth);

        var result = LinearizabilityChecker.Check(new KvModel(), history, Generous);

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Single(result.Partitions, p => p.Outcome == CheckOutcome.Illegal);
        Assert.Contains(corrupted, result.IllegalPartition!.OperationIndices);
        Assert.Equal($"key \"{history[corrupted].Input.Key}\"", result.IllegalPartition.Label);
    }
}
