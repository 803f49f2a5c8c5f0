using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Simulation;

/// <summary>
/// CI soak: 500 seeds x 2,000 steps with faults on, each checked for the five safety properties after every step
/// and for linearizability at the end. Split into classes so xunit runs the shards in parallel.
/// </summary>
public abstract class SimulatorSoakSpec
{
    public const int Steps = 2000;
    public const int SeedsPerCase = 25;

    protected static void RunCase(int firstSeed)
    {
        var results = SimulationRunner.AssertSeeds(firstSeed, SeedsPerCase, Steps);
        // the faults must actually have happened, or the run proves little
        Assert.True(results.Sum(r => r.Crashes) > 0);
        Assert.True(results.Sum(r => r.Elections) >= SeedsPerCase);
        Assert.True(results.Sum(r => r.CompletedOperations) > SeedsPerCase * 10);
    }
}

public class SimulatorSoakShardA : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_000)] [InlineData(10_025)] [InlineData(10_050)] [InlineData(10_075)] [InlineData(10_100)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardB : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_125)] [InlineData(10_150)] [InlineData(10_175)] [InlineData(10_200)] [InlineData(10_225)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardC : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_250)] [InlineData(10_275)] [InlineData(10_300)] [InlineData(10_325)] [InlineData(10_350)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}

public class SimulatorSoakShardD : SimulatorSoakSpec
{
    [Theory]
    [InlineData(10_375)] [InlineData(10_400)] [InlineData(10_425)] [InlineData(10_450)] [InlineData(10_475)]
    public void Seeds_run_without_safety_or_linearizability_violations(int firstSeed) => RunCase(firstSeed);
}
