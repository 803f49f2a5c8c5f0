using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>A journal write that does not come back is not silent: while it is out the replica cannot vote, so the
/// group logs a warning every 5 s of waiting, naming what is being written.</summary>
public sealed class SlowJournalWarningSpec
{
    [Fact]
    public async Task A_journal_write_that_hangs_is_logged_as_a_warning_naming_the_group_and_the_wait()
    {
        // 1. three nodes whose journals can be stalled; a follower's warnings are collected
        var journals = new[] { new GatedJournal(), new GatedJournal(), new GatedJournal() };
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(), journals: journals);
        try
        {
            var leader = await cluster.AwaitLeaderAsync();
            var follower = cluster.Nodes.First(n => n != leader);
            var warnings = new ConcurrentQueue<string>();
            var collector = follower.System.ActorOf(Props.Create(() => new WarningCollector(warnings)));
            follower.System.EventStream.Subscribe(collector, typeof(Warning));

            // 2. its disk stalls while it persists an append; the leader commits with the other follower
            var stalled = journals[cluster.Nodes.IndexOf(follower)];
            stalled.Close();
            using var ok = new CancellationTokenSource(HostedCluster.Generous);
            await leader.ProposeAsync("while-stalled", ok.Token);
            await stalled.WriteHeld.WaitAsync(HostedCluster.Generous);

            // 3. after 5 s of waiting the follower says so
            string? Slow() => warnings.FirstOrDefault(w => w.Contains("a journal write has been in flight", StringComparison.Ordinal));
            await Eventually.HoldsAsync(() => Slow() is not null, HostedCluster.Generous, "a slow-journal warning");
            Assert.Contains("Raft group 0:", Slow()!, StringComparison.Ordinal);
            Assert.Contains("casts no vote", Slow()!, StringComparison.Ordinal);

            // 4. once the disk recovers it catches up
            stalled.Open();
            await HostedCluster.AwaitAppliedAsync(cluster.Nodes, ["while-stalled"]);
        }
        finally
        {
            foreach (var j in journals) j.Open();
        }
    }

    private sealed class WarningCollector : ReceiveActor
    {
        public WarningCollector(ConcurrentQueue<string> lines) => Receive<Warning>(w => lines.Enqueue(w.Message?.ToString() ?? ""));
    }
}
