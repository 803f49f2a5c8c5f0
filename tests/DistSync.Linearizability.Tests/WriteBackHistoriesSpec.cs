using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// Large simulated write-back histories: every client sees the cache with its own lag, which is sequentially
/// consistent per key but not linearizable. The sequential-consistency checker must accept them whole and find a
/// client going back in time among thousands of operations.
/// </summary>
public class WriteBackHistoriesSpec
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(1, 3, 1, 500, 0.0, 30)]
    [InlineData(2, 4, 3, 1500, 0.01, 40)]
    [InlineData(3, 8, 1, 2000, 0.01, 100)]
    [InlineData(4, 8, 3, 3000, 0.02, 40)]
    [InlineData(5, 16, 2, 4000, 0.05, 200)]
    public void A_history_with_lagging_clients_is_sequentially_consistent_but_not_linearizable(
        int seed, int clients, int keys, int operations, double timeoutRate, int maxLag)
    {
        var history = SimulatedHistories.Cache(seed, clients, keys, operations, timeoutRate, maxLag);

        var sc = SequentialConsistencyChecker.Check(new CacheModel(), history, Generous);
        var lin = LinearizabilityChecker.Check(new CacheModel(), history, Generous);

        Assert.True(sc.IsOk, sc.Explain());
        Assert.Equal(keys, sc.Partitions.Count);
        Assert.All(sc.Partitions, p => Assert.True(
            p.LongestOrder.Count >= p.OperationIndices.Count(i => !history[i].IsOutputUnknown),
            $"{p}: a complete order holds every operation with a known output"));
        Assert.Equal(CheckOutcome.Illegal, lin.Outcome);
    }

    [Fact]
    public void Without_lag_the_history_is_linearizable_too()
    {
        var history = SimulatedHistories.Cache(seed: 6, clients: 6, keys: 2, operations: 2000, timeoutRate: 0.02, maxLag: 0);

        Assert.True(LinearizabilityChecker.Check(new CacheModel(), history, Generous).IsOk);
        Assert.True(SequentialConsistencyChecker.Check(new CacheModel(), history, Generous).IsOk);
    }

    [Theory]
    [InlineData(2, 4, 3, 1500, 0.01, 40, 0)]
    [InlineData(3, 8, 1, 2000, 0.01, 100, 3)]
    [InlineData(4, 8, 3, 3000, 0.02, 40, 5)]
    [InlineData(5, 16, 2, 4000, 0.05, 200, 11)]
    public void A_client_that_reads_an_overwritten_value_again_is_caught_in_that_key(
        int seed, int clients, int keys, int operations, double timeoutRate, int maxLag, int nth)
    {
        var history = SimulatedHistories.Cache(seed, clients, keys, operations, timeoutRate, maxLag);
        var corrupted = SimulatedHistories.CorruptCacheReadToEarlierValue(history, nth);

        var result = SequentialConsistencyChecker.Check(new CacheModel(), history, Generous);

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Single(result.Partitions, p => p.Outcome == CheckOutcome.Illegal);
        var partition = result.IllegalPartition!;
        Assert.Equal($"key \"{history[corrupted].Input.Key}\"", partition.Label);
        Assert.Contains(corrupted, partition.OperationIndices);
        Assert.Contains(
            partition.StrandedOperations.Concat(partition.BlockedOperations),
            b => history[b.HistoryIndex].ClientId == history[corrupted].ClientId);
    }
}
