using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using DistSync.Persistence.Plugins;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// The snapshot-store plugin driven through Akka's protocol messages, covering the checklist of
/// Akka.Persistence.TCK's SnapshotStoreSpec (not served here). Each test starts with snapshots "s-1".."s-5" of
/// <see cref="Pid"/> at sequence numbers 11..15; <see cref="_saved"/> holds the metadata the store answered with.
/// </summary>
public abstract class SnapshotStoreProtocolSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Pid = "p-1";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly List<SnapshotMetadata> _saved = new();
    private readonly TestProbe _probe;

    protected SnapshotStoreProtocolSpec(PluginBackend backend, ITestOutputHelper output)
        : base(backend.Setup(), "snapshots-" + backend.Name, output)
    {
        Backend = backend;
        _probe = CreateTestProbe();
        for (var i = 1; i <= 5; i++) _saved.Add(Save(Meta(Pid, i + 10), $"s-{i}"));
    }

    protected PluginBackend Backend { get; }

    private IActorRef Store => Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(PersistencePlugins.SnapshotStoreId);

    // Timestamps of consecutive saves differ: each save waits for the previous one's answer.
    private static SnapshotMetadata Meta(string pid, long seqNr) => new(pid, seqNr, DateTime.UtcNow);

    private SnapshotMetadata Save(SnapshotMetadata metadata, object snapshot)
    {
        Store.Tell(new SaveSnapshot(metadata, snapshot), _probe.Ref);
        return _probe.ExpectMsg<SaveSnapshotSuccess>(Generous).Metadata;
    }

    private LoadSnapshotResult Load(SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue, string pid = Pid)
    {
        Store.Tell(new LoadSnapshot(pid, criteria, toSequenceNr), _probe.Ref);
        return _probe.ExpectMsg<LoadSnapshotResult>(Generous);
    }

    private static void AssertSnapshot(LoadSnapshotResult result, SnapshotMetadata expected, object state)
    {
        Assert.NotNull(result.Snapshot);
        Assert.Equal(expected.PersistenceId, result.Snapshot.Metadata.PersistenceId);
        Assert.Equal(expected.SequenceNr, result.Snapshot.Metadata.SequenceNr);
        Assert.Equal(expected.Timestamp.Ticks, result.Snapshot.Metadata.Timestamp.Ticks);
        Assert.Equal(state, result.Snapshot.Snapshot);
    }

    [Fact]
    public void Loads_nothing_for_an_unknown_persistence_id() =>
        Assert.Null(Load(SnapshotSelectionCriteria.Latest, pid: "unknown").Snapshot);

    [Fact]
    public void Loads_nothing_when_the_upper_sequence_number_bound_is_below_every_snapshot() =>
        Assert.Null(Load(new SnapshotSelectionCriteria(10)).Snapshot);

    [Fact]
    public void Loads_nothing_when_the_upper_timestamp_bound_is_below_every_snapshot() =>
        Assert.Null(Load(new SnapshotSelectionCriteria(long.MaxValue, _saved[0].Timestamp.AddTicks(-1))).Snapshot);

    [Fact]
    public void Loads_the_most_recent_snapshot() => AssertSnapshot(Load(SnapshotSelectionCriteria.Latest), _saved[4], "s-5");

    [Fact]
    public void Loads_the_most_recent_snapshot_under_an_upper_sequence_number_bound()
    {
        AssertSnapshot(Load(new SnapshotSelectionCriteria(13)), _saved[2], "s-3");
        AssertSnapshot(Load(SnapshotSelectionCriteria.Latest, toSequenceNr: 13), _saved[2], "s-3");
    }

    [Fact]
    public void Loads_the_most_recent_snapshot_under_an_upper_sequence_number_and_timestamp_bound()
    {
        AssertSnapshot(Load(new SnapshotSelectionCriteria(13, _saved[2].Timestamp)), _saved[2], "s-3");
        AssertSnapshot(Load(new SnapshotSelectionCriteria(long.MaxValue, _saved[2].Timestamp), toSequenceNr: 13), _saved[2], "s-3");
    }

    [Fact]
    public void Deletes_a_single_snapshot_identified_by_its_sequence_number()
    {
        Store.Tell(new DeleteSnapshot(_saved[2]), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotSuccess>(Generous);

        AssertSnapshot(Load(new SnapshotSelectionCriteria(_saved[2].SequenceNr, _saved[2].Timestamp)), _saved[1], "s-2");
    }

    [Fact]
    public void Deletes_a_single_snapshot_named_with_a_MinValue_timestamp()
    {
        Store.Tell(new DeleteSnapshot(new SnapshotMetadata(Pid, _saved[2].SequenceNr, DateTime.MinValue)), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotSuccess>(Generous);

        AssertSnapshot(Load(new SnapshotSelectionCriteria(_saved[2].SequenceNr)), _saved[1], "s-2");
    }

    [Fact]
    public void Deletes_every_snapshot_under_an_upper_sequence_number_and_timestamp_bound()
    {
        var criteria = new SnapshotSelectionCriteria(_saved[2].SequenceNr, _saved[2].Timestamp);
        Store.Tell(new DeleteSnapshots(Pid, criteria), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotsSuccess>(Generous);

        Assert.Null(Load(criteria).Snapshot);
        AssertSnapshot(Load(new SnapshotSelectionCriteria(_saved[3].SequenceNr, _saved[3].Timestamp)), _saved[3], "s-4");
    }

    [Fact]
    public void Does_not_delete_snapshots_newer_than_the_timestamp_bound()
    {
        Store.Tell(new DeleteSnapshots(Pid, new SnapshotSelectionCriteria(_saved[3].SequenceNr, _saved[2].Timestamp)), _probe.Ref);
        _probe.ExpectMsg<DeleteSnapshotsSuccess>(Generous);

        AssertSnapshot(Load(new SnapshotSelectionCriteria(_saved[3].SequenceNr, _saved[3].Timestamp)), _saved[3], "s-4");
    }

    [Fact]
    public void Overwrites_a_snapshot_saved_again_at_the_same_sequence_number()
    {
        var again = Save(Meta(Pid, _saved[4].SequenceNr), "s-5-again");

        AssertSnapshot(Load(SnapshotSelectionCriteria.Latest), again, "s-5-again");
    }

    [Fact]
    public void Saves_and_loads_a_big_snapshot()
    {
        var big = new byte[10 * 1024 * 1024];
        new Random(11).NextBytes(big);
        var metadata = Save(Meta(Pid, 100), big);

        var loaded = Load(SnapshotSelectionCriteria.Latest);
        Assert.Equal(metadata.SequenceNr, loaded.Snapshot.Metadata.SequenceNr);
        Assert.Equal(big, (byte[])loaded.Snapshot.Snapshot);
    }

    [Fact]
    public void Serializes_registered_and_foreign_snapshot_states()
    {
        Save(Meta("typed", 1), new SpecPayloads.Registered("pinned"));
        Save(Meta("typed", 2), new SpecPayloads.ViaAkka("enveloped"));

        Assert.Equal(new SpecPayloads.ViaAkka("enveloped"), Load(SnapshotSelectionCriteria.Latest, pid: "typed").Snapshot.Snapshot);
        Assert.Equal(new SpecPayloads.Registered("pinned"), Load(new SnapshotSelectionCriteria(1), pid: "typed").Snapshot.Snapshot);
    }

    [Fact]
    public void Fails_the_save_of_a_state_that_cannot_be_serialized()
    {
        Store.Tell(new SaveSnapshot(Meta(Pid, 100), new SpecPayloads.Unserializable("x")), _probe.Ref);
        _probe.ExpectMsg<SaveSnapshotFailure>(Generous);

        AssertSnapshot(Load(SnapshotSelectionCriteria.Latest), _saved[4], "s-5");
    }

    [Fact]
    public async Task A_corrupt_latest_snapshot_is_skipped_for_the_previous_intact_one()
    {
        await Backend.CorruptSnapshotAsync(Pid, _saved[4].SequenceNr);

        AssertSnapshot(Load(SnapshotSelectionCriteria.Latest), _saved[3], "s-4");
    }

    [Fact]
    public async Task A_new_actor_system_over_the_same_data_loads_the_latest_snapshot()
    {
        await Sys.Terminate().WaitAsync(Generous);

        using var reopened = new Akka.TestKit.Xunit2.TestKit(Backend.Setup(), "reopened-" + Backend.Name);
        var probe = reopened.CreateTestProbe();
        Akka.Persistence.Persistence.Instance.Apply(reopened.Sys).SnapshotStoreFor(PersistencePlugins.SnapshotStoreId)
            .Tell(new LoadSnapshot(Pid, SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
        AssertSnapshot(probe.ExpectMsg<LoadSnapshotResult>(Generous), _saved[4], "s-5");
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Backend.Dispose();
    }
}
