using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Simulation;

/// <summary>
/// Replays one seed, traced: <c>RAFT_SIM_SEED=123 [RAFT_SIM_STEPS=10000] dotnet test --filter SimulatorReplaySpec</c>.
/// Without the variables it replays seed 1 for as many steps as the soak and pins that tracing does not change the run.
/// </summary>
public class SimulatorReplaySpec
{
    [Fact]
    public void A_seed_replays_identically_with_and_without_tracing()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RAFT_SIM_SEED"), out int s) ? s : 1;
        int steps = int.TryParse(Environment.GetEnvironmentVariable("RAFT_SIM_STEPS"), out int n) ? n : SimulatorSoakSpec.Steps;
        var plain = SimulationRunner.Run(seed, steps);
        var traced = new DistSync.Raft.Simulation.RaftSimulation(SimulationRunner.Options(seed, steps, faults: true, trace: true)).Run();
        Assert.True(traced.Ok, SimulationRunner.Explain(traced, steps, faults: true));
        Assert.Equal(plain.ToString(), traced.ToString());
        Assert.Equal(plain.History, traced.History);
        Assert.NotEmpty(traced.Trace);
    }
}
