using System.Diagnostics.Metrics;
using Akka.Actor;
using DistSync.Persistence.Plugins;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// Node-wide group commit through the Akka plugin: while one batch is being committed, the writes of every other
/// persistent actor of the node queue and then go into ONE engine transaction (one SQLite transaction + fsync, one
/// Redis MULTI/EXEC). Made deterministic by holding the first batch in the engine until the others are queued, and
/// observed through <see cref="JournalPluginMetrics"/>, the Meter that /metrics exports and the engine's own
/// transaction counter.
/// </summary>
public abstract class GroupCommitPluginSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Actors = 50;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly PluginBackend _backend;
    private readonly HeldJournals _engines;

    protected GroupCommitPluginSpec(PluginBackend backend, ITestOutputHelper output) : this(backend, new HeldJournals(), output)
    {
    }

    private GroupCommitPluginSpec(PluginBackend backend, HeldJournals engines, ITestOutputHelper output)
        : base(WithLongCallTimeout(backend.Setup(engines.Wrap)), "group-commit-" + backend.Name, output)
    {
        _backend = backend;
        _engines = engines;
        PersistencePlugins.Start(Sys);
    }

    /// <summary>The spec holds the first batch open until the other writes queue, for up to <see cref="Generous"/>; under
    /// CI load that once outlasted the plugin's 30 s circuit-breaker call timeout, which failed the held write.</summary>
    private static Akka.Actor.Setup.ActorSystemSetup WithLongCallTimeout(Akka.Actor.Setup.ActorSystemSetup setup)
    {
        var bootstrap = setup.Get<Akka.Actor.BootstrapSetup>().Value;
        var longer = Akka.Configuration.ConfigurationFactory.ParseString("akka.persistence.journal.dsync.circuit-breaker.call-timeout = 180s");
        return setup.And(bootstrap.WithConfig(longer.WithFallback(bootstrap.Config.Value)));
    }

    [Fact]
    public async Task Writes_of_many_actors_queued_behind_a_batch_share_the_next_transaction()
    {
        var metrics = JournalPluginMetrics.For(Sys);
        var actors = Enumerable.Range(0, Actors).Select(i => Sys.ActorOf(JournalingActor.Props($"group-{i}", TestActor))).ToArray();
        foreach (var actor in actors)
        {
            actor.Tell(new JournalingActor.GetState());
            ExpectMsg<JournalingActor.State>(Generous); // recovered: from now on every message is a write
        }
        var engine = _engines.Current;
        var transactionsBefore = engine.Inner.CommittedTransactions;
        long meteredBatches = 0;
        using var listener = BatchesOnTheMeter(() => Interlocked.Increment(ref meteredBatches));

        actors[0].Tell(new JournalingActor.Append("first"));
        await engine.FirstBatchHeld.Task.WaitAsync(Generous);
        for (var i = 1; i < Actors; i++) actors[i].Tell(new JournalingActor.Append($"queued-{i}"));
        AwaitCondition(() => metrics.WaitingRequests == Actors - 1, Generous);
        engine.Release();

        for (var i = 0; i < Actors; i++) Assert.Equal(1, ExpectMsg<JournalingActor.State>(Generous).LastSequenceNr);
        Assert.Equal(2, metrics.Batches);
        Assert.Equal(Actors, metrics.AtomicWrites);
        Assert.Equal(Actors - 1, metrics.LargestBatch);
        Assert.Equal(2, engine.Inner.CommittedTransactions - transactionsBefore);
        Assert.Equal(0, metrics.WaitingRequests);
        Assert.Equal(2, metrics.CommitLatencyBuckets.Sum());
        Assert.Equal(2, Interlocked.Read(ref meteredBatches)); // what /metrics exports
    }

    /// <summary>Listens to the "DistSync.Persistence" Meter for this system's batch counter.</summary>
    private MeterListener BatchesOnTheMeter(Action onBatch)
    {
        var system = Sys.Name;
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "DistSync.Persistence" && instrument.Name == "dsync.persistence.journal.batches")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "system" && Equals(tag.Value, system))
                    for (var i = 0; i < value; i++) onBatch();
        });
        listener.Start();
        return listener;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _backend.Dispose();
    }
}
