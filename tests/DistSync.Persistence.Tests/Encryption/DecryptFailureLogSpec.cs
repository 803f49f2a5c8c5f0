using DistSync.Persistence.Encryption;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using DistSync.Security;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>A refused record leaves an error line naming the record and key id (never key material) and a count.</summary>
public sealed class DecryptFailureLogSpec : IDisposable
{
    private sealed class Captured : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }

    private readonly TempDirectory _dir = new();
    private readonly Captured _log = new();
    private readonly Akka.Actor.ActorSystem _system = Akka.Actor.ActorSystem.Create("decrypt-log");

    [Fact]
    public async Task A_tampered_journal_record_is_logged_as_an_error_and_counted()
    {
        var keyFile = Path.Combine(_dir.Path, "data.key");
        DataKeyring.Create(keyFile).Dispose();
        var storage = new InMemStorage();
        var metrics = DataAtRestMetrics.For(_system);
        var logger = new LoggerConfiguration().WriteTo.Sink(_log).CreateLogger();
        await using var journal = new EncryptedJournal(new InMemJournal(storage), new RecordSealer(DataKeyring.Load(keyFile), false), metrics, logger, ownsEngine: true);
        await journal.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("audited", 1, PersistenceTypeIds.Utf8String, "v"u8.ToArray()))]);
        lock (storage.Gate) storage.Events["audited"][1].Payload[^1] ^= 0x01;

        await Assert.ThrowsAsync<DataDecryptionException>(() => journal.ReplayMessagesAsync("audited", 1, long.MaxValue, long.MaxValue, _ => { }));

        var line = Assert.Single(_log.Events);
        Assert.Equal(LogEventLevel.Error, line.Level);
        var text = line.RenderMessage();
        Assert.Contains("journal record audited#1", text, StringComparison.Ordinal);
        Assert.Contains("key id 1", text, StringComparison.Ordinal);
        Assert.Equal(1, metrics.JournalDecryptFailures);
        Assert.Equal(0, metrics.SnapshotDecryptFailures);
    }

    [Fact]
    public async Task An_encrypted_record_read_without_a_data_key_names_the_missing_setting()
    {
        var keyFile = Path.Combine(_dir.Path, "data.key");
        DataKeyring.Create(keyFile).Dispose();
        var storage = new InMemStorage();
        await using (var store = new EncryptedSnapshotStore(new InMemSnapshotStore(storage), new RecordSealer(DataKeyring.Load(keyFile), false),
                         DataAtRestMetrics.For(_system), Logger.None, ownsEngine: true))
            await store.SaveAsync(new SnapshotMetadata("p", 1, DateTimeOffset.UnixEpoch), new SerializedSnapshot(PersistenceTypeIds.Utf8String, "s"u8.ToArray()));
        var plain = await new InMemSnapshotStore(storage).LoadAsync("p", SnapshotSelectionCriteria.Latest);

        var codec = new DistSync.Persistence.Plugins.PayloadCodec(PersistenceSerializerRegistry.CreateWithBuiltIns(), _system.Serialization);
        var refused = Assert.Throws<InvalidDataException>(() => codec.Decode(plain!.Snapshot.TypeId, plain.Snapshot.Payload));
        Assert.Contains("dsync.security.data-key-file", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        _dir.Dispose();
    }
}
