using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests;

public sealed class InMemJournalSpec : JournalSpec
{
    private readonly InMemStorage _storage = new();

    protected override Task<IJournal> OpenJournalAsync() => Task.FromResult<IJournal>(new InMemJournal(_storage));
}
