using DistSync.Persistence.Journal;
using DistSync.Persistence.Sqlite;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests;

public sealed class SqliteJournalSpec : JournalSpec
{
    private readonly TempDirectory _dir = new();

    protected override Task<IJournal> OpenJournalAsync() =>
        Task.FromResult<IJournal>(new SqliteJournal(Path.Combine(_dir.Path, "persistence.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
