using DistSync.Raft.Tests.Support;

namespace DistSync.Raft.Tests.Simulation;

public class SimulatorSmokeSpec
{
    [Fact]
    public void Without_faults_the_cluster_elects_a_leader_and_serves_clients()
    {
        var results = SimulationRunner.AssertSeeds(100, 5, 3000, faults: false);
        foreach (var r in results)
        {
            Assert.True(r.Elections >= 1, r.ToString());
            Assert.True(r.CompletedOperations >= 20, r.ToString());
            Assert.True(r.MaxCommitIndex >= 20, r.ToString());
        }
    }
}
