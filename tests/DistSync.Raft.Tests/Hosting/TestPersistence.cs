using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Persistence.Journal;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>The Akka.Persistence set-up of a spec's node: in memory (Akka's own journal and snapshot store), or
/// DistSync's plugin on sqlite in the node's data directory, or on an injected journal engine.</summary>
internal sealed record TestPersistence(Config Config, IReadOnlyList<Setup> Setups)
{
    public static TestPersistence For(string nodeId, string? dataDir, IJournal? journal)
    {
        if (dataDir is null && journal is null)
        {
            return new TestPersistence(ConfigurationFactory.ParseString("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """), []);
        }
        throw new NotSupportedException("sqlite and injected journals come with the DistSync persistence plugin");
    }
}
