using DistSync.Persistence.Journal;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests;

public sealed class RedisJournalSpec : JournalSpec, IClassFixture<RedisServerFixture>
{
    private static int _instances;
    private readonly RedisServerFixture _server;
    // A fresh key prefix per test: tests of one class share the server but never each other's data.
    private readonly string _prefix = $"dsync:journal-spec-{Interlocked.Increment(ref _instances)}";

    public RedisJournalSpec(RedisServerFixture server) => _server = server;

    protected override async Task<IJournal> OpenJournalAsync() =>
        new RedisJournal(await _server.ConnectAsync(), _prefix, ownsConnection: true);
}
