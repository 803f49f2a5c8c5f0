using DistSync.Persistence.Snapshot;
using Xunit;

namespace DistSync.Persistence.Tck;

/// <summary>
/// Conformance kit every snapshot-store plugin must pass. <see cref="OpenStoreAsync"/> must open the SAME
/// underlying store every time within one test and a fresh, empty one per test instance.
/// </summary>
public abstract class SnapshotStoreSpec : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private ISnapshotStore? _store;

    protected abstract Task<ISnapshotStore> OpenStoreAsync();

    /// <summary>Damages the stored blob of one snapshot in place (flip bytes, truncate) as a disk fault would.</summary>
    protected abstract Task CorruptStoredSnapshotAsync(SnapshotMetadata metadata);

    protected ISnapshotStore Store => _store ?? throw new InvalidOperationException("the snapshot store is not open");

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        _store = null;
    }

    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = await OpenStoreAsync();
    }

    private static SnapshotMetadata Meta(string pid, long seqNr) => new(pid, seqNr, T0.AddMinutes(seqNr));

    private static SerializedSnapshot State(string text) => new(11, System.Text.Encoding.UTF8.GetBytes(text));

    private async Task SaveAsync(string pid, params long[] seqNrs)
    {
        foreach (var s in seqNrs) await Store.SaveAsync(Meta(pid, s), State($"{pid}@{s}"));
    }

    private static string Text(SelectedSnapshot? s) =>
        s is null ? "<none>" : System.Text.Encoding.UTF8.GetString(s.Snapshot.Payload);

    [Fact]
    public async Task Load_returns_nothing_for_an_unknown_persistence_id()
    {
        Assert.Null(await Store.LoadAsync("nobody", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Load_returns_the_newest_snapshot_with_its_metadata_and_type_id()
    {
        await SaveAsync("s", 5, 15, 10);

        var loaded = await Store.LoadAsync("s", SnapshotSelectionCriteria.Latest);

        Assert.NotNull(loaded);
        Assert.Equal(Meta("s", 15), loaded.Metadata);
        Assert.Equal(11, loaded.Snapshot.TypeId);
        Assert.Equal("s@15", Text(loaded));
    }

    [Fact]
    public async Task Load_honours_the_selection_criteria()
    {
        await SaveAsync("c", 5, 10, 15);

        Assert.Equal("c@10", Text(await Store.LoadAsync("c", new SnapshotSelectionCriteria(12, DateTimeOffset.MaxValue))));
        Assert.Equal("c@5", Text(await Store.LoadAsync("c", new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(7)))));
        Assert.Equal("c@10", Text(await Store.LoadAsync("c", new SnapshotSelectionCriteria(10, DateTimeOffset.MaxValue, MinSequenceNr: 6))));
        Assert.Null(await Store.LoadAsync("c", new SnapshotSelectionCriteria(4, DateTimeOffset.MaxValue)));
        Assert.Null(await Store.LoadAsync("c", SnapshotSelectionCriteria.None));
        Assert.Null(await Store.LoadAsync("c", new SnapshotSelectionCriteria(15, DateTimeOffset.MaxValue, MinTimestamp: T0.AddMinutes(16))));
    }

    [Fact]
    public async Task Saving_at_the_same_sequence_number_replaces_the_snapshot()
    {
        await Store.SaveAsync(Meta("r", 3), State("first"));
        await Store.SaveAsync(Meta("r", 3), State("second"));

        Assert.Equal("second", Text(await Store.LoadAsync("r", SnapshotSelectionCriteria.Latest)));
        await Store.DeleteAsync(Meta("r", 3));
        Assert.Null(await Store.LoadAsync("r", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Deleting_one_snapshot_makes_load_return_the_previous_one()
    {
        await SaveAsync("d", 1, 2, 3);

        await Store.DeleteAsync(Meta("d", 3));

        Assert.Equal("d@2", Text(await Store.LoadAsync("d", SnapshotSelectionCriteria.Latest)));
    }

    [Fact]
    public async Task Deleting_by_criteria_removes_only_the_matching_snapshots()
    {
        await SaveAsync("m", 1, 2, 3, 4);
        await SaveAsync("other", 1, 2);

        await Store.DeleteAsync("m", new SnapshotSelectionCriteria(3, DateTimeOffset.MaxValue, MinSequenceNr: 2));

        Assert.Equal("m@4", Text(await Store.LoadAsync("m", SnapshotSelectionCriteria.Latest)));
        Assert.Equal("m@1", Text(await Store.LoadAsync("m", new SnapshotSelectionCriteria(3, DateTimeOffset.MaxValue))));
        Assert.Equal("other@2", Text(await Store.LoadAsync("other", SnapshotSelectionCriteria.Latest)));

        await Store.DeleteAsync("m", SnapshotSelectionCriteria.Latest);
        Assert.Null(await Store.LoadAsync("m", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task A_corrupt_snapshot_is_skipped_in_favour_of_the_previous_one()
    {
        await SaveAsync("x", 10, 20, 30);

        await CorruptStoredSnapshotAsync(Meta("x", 30));
        Assert.Equal("x@20", Text(await Store.LoadAsync("x", SnapshotSelectionCriteria.Latest)));

        await CorruptStoredSnapshotAsync(Meta("x", 20));
        await CorruptStoredSnapshotAsync(Meta("x", 10));
        Assert.Null(await Store.LoadAsync("x", SnapshotSelectionCriteria.Latest));
    }

    [Fact]
    public async Task Snapshots_survive_reopening_the_store()
    {
        var random = new Random(77);
        var big = new byte[1024 * 1024];
        random.NextBytes(big);
        await Store.SaveAsync(Meta("big", 1), State("small"));
        await Store.SaveAsync(Meta("big", 2), new SerializedSnapshot(12, big));

        await ReopenAsync();

        var loaded = await Store.LoadAsync("big", SnapshotSelectionCriteria.Latest);
        Assert.NotNull(loaded);
        Assert.Equal(Meta("big", 2), loaded.Metadata);
        Assert.Equal(12, loaded.Snapshot.TypeId);
        Assert.Equal(big, loaded.Snapshot.Payload);
    }
}
