using DistSync.Persistence.Journal;
using DistSync.Persistence.Sqlite;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests;

/// <summary>
/// The SQLite journal with a merge after every few events, so every conformance fact also runs with events split
/// between the append-only table and the keyed one.
/// </summary>
public sealed class SqliteJournalWithFrequentMergesSpec : JournalSpec
{
    private readonly TempDirectory _dir = new();

    protected override Task<IJournal> OpenJournalAsync() =>
        Task.FromResult<IJournal>(new SqliteJournal(Path.Combine(_dir.Path, "persistence.db"), mergeThreshold: 7));

    [Fact]
    public async Task Merges_happen_and_a_write_that_does_not_raise_the_sequence_number_is_refused()
    {
        await Journal.WriteMessagesAsync(new[] { Write("m", 1, 10) });
        Assert.True(((SqliteJournal)Journal).Merges >= 1);
        await Journal.WriteMessagesAsync(new[] { Write("m", 11, 12) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Journal.WriteMessagesAsync(new[] { Write("m", 12, 12) }));
        Assert.Contains("m#12", error.Message);
        await ReopenAsync();
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => Journal.WriteMessagesAsync(new[] { Write("m", 5, 5) }));
        Assert.Contains("highest sequence number 12", again.Message);
        Assert.Equal(12, (await ReplayAsync("m")).Count);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
