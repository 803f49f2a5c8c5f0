using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using AtomicWrite = DistSync.Persistence.Journal.AtomicWrite;
using DistSync.Persistence.Encryption;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Tests.Plugins;
using DistSync.Security;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>
/// Encryption at rest through the dsync plugins on one backend: a persistent actor recovers what it wrote, the engine
/// below holds only sealed records, an altered record fails the recovery (and is counted) instead of replaying, and
/// the keyring rotates and refuses plaintext at the engine decorator.
/// </summary>
public abstract class EncryptedPluginSpec : Akka.TestKit.Xunit2.TestKit
{
    protected const string Marker = "plaintext-marker-7f3a";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _keys;
    private readonly TestProbe _monitor;

    protected EncryptedPluginSpec(string kind, RedisServerFixture? server, ITestOutputHelper output)
        : this(new TempDirectory(), kind, server, output)
    {
    }

    private EncryptedPluginSpec(TempDirectory keys, string kind, RedisServerFixture? server, ITestOutputHelper output)
        : this(keys, PluginBackend.Encrypted(kind, CreateKeyring(keys), server), output)
    {
    }

    private EncryptedPluginSpec(TempDirectory keys, PluginBackend backend, ITestOutputHelper output)
        : base(backend.Setup(), "enc-" + backend.Name, output)
    {
        _keys = keys;
        Backend = backend;
        _monitor = CreateTestProbe();
    }

    protected PluginBackend Backend { get; }

    protected string KeyFile => Backend.Settings.DataKeyFile;

    private static string CreateKeyring(TempDirectory keys)
    {
        var path = Path.Combine(keys.Path, "data.key");
        DataKeyring.Create(path).Dispose();
        return path;
    }

    protected IActorRef Start(string pid) => Sys.ActorOf(JournalingActor.Props(pid, _monitor.Ref));

    protected void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Generous);
    }

    protected void Append(IActorRef actor, object e)
    {
        actor.Tell(new JournalingActor.Append(e));
        ExpectMsg<JournalingActor.State>(Generous);
    }

    private JournalingActor.State StateOf(IActorRef actor)
    {
        actor.Tell(new JournalingActor.GetState());
        return ExpectMsg<JournalingActor.State>(Generous);
    }

    protected void TakeSnapshot(IActorRef actor) => Snapshot(actor);

    private void Snapshot(IActorRef actor)
    {
        actor.Tell(new JournalingActor.TakeSnapshot());
        _monitor.ExpectMsg<SaveSnapshotSuccess>(Generous);
    }

    private static async Task<List<PersistentRepr>> ReplayAsync(IJournal journal, string pid)
    {
        var events = new List<PersistentRepr>();
        await journal.ReplayMessagesAsync(pid, 1, long.MaxValue, long.MaxValue, events.Add);
        return events;
    }

    private EncryptedJournal Sealed(string keyFile, bool acceptPlaintext = false) =>
        new(Backend.OpenJournal(), new RecordSealer(DataKeyring.Load(keyFile), acceptPlaintext), DataAtRestMetrics.For(Sys), Serilog.Core.Logger.None, ownsEngine: true);

    private static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);

    // The refusal reaches the actor as the replay's or load's cause, possibly wrapped by a task.
    private static DataDecryptionException Refusal(Exception cause)
    {
        for (Exception? e = cause; e is not null; e = e.InnerException)
        {
            if (e is DataDecryptionException refused) return refused;
            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) return Refusal(aggregate.InnerExceptions[0]);
        }
        throw new Xunit.Sdk.XunitException($"the recovery failed with {cause}, not with a DataDecryptionException");
    }

    [Fact]
    public void Events_and_a_snapshot_recover_through_encryption_at_rest()
    {
        var first = Start("round-trip");
        Append(first, Marker);
        Append(first, new SpecPayloads.ViaAkka("b"));
        Snapshot(first);
        Append(first, new SpecPayloads.Registered("c"));
        Stop(first);

        var state = StateOf(Start("round-trip"));
        Assert.True(state.RecoveredFromSnapshot);
        Assert.Equal(new object[] { Marker, "ViaAkka { Text = b }", new SpecPayloads.Registered("c") }, state.Events);
        Assert.Equal(3, state.LastSequenceNr);
    }

    [Fact]
    public async Task The_engine_below_holds_only_sealed_records_under_the_current_key()
    {
        var actor = Start("sealed");
        Append(actor, Marker);
        Snapshot(actor);
        Stop(actor);

        await using var journal = Backend.OpenJournal();
        var stored = Assert.Single(await ReplayAsync(journal, "sealed"));
        Assert.Equal(PersistenceTypeIds.EncryptedPayload, stored.TypeId);
        Assert.Equal(1u, DataKeyring.KeyIdOf(stored.Payload));
        Assert.DoesNotContain(Marker, Utf8(stored.Payload), StringComparison.Ordinal);
        await using var snapshots = Backend.OpenSnapshotStore();
        var snapshot = await snapshots.LoadAsync("sealed", DistSync.Persistence.Snapshot.SnapshotSelectionCriteria.Latest);
        Assert.Equal(PersistenceTypeIds.EncryptedPayload, snapshot!.Snapshot.TypeId);
        Assert.DoesNotContain(Marker, Utf8(snapshot.Snapshot.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_journal_record_fails_the_recovery_loudly_and_is_counted()
    {
        var first = Start("tampered");
        foreach (var e in new[] { "a", "b", "c" }) Append(first, e);
        Stop(first);
        var before = DataAtRestMetrics.For(Sys).JournalDecryptFailures;

        await StoredRecordTampering.FlipJournalCiphertextAsync(Backend, "tampered", 2);

        var second = Start("tampered");
        Watch(second);
        var refused = Refusal(_monitor.ExpectMsg<JournalingActor.RecoveryFailed>(Generous).Cause);
        Assert.Equal("journal record tampered#2", refused.Record);
        Assert.Equal(1u, refused.KeyId);
        Assert.Contains("authentication tag", refused.Message, StringComparison.Ordinal);
        ExpectTerminated(second, Generous); // the actor never runs on a partial or altered history
        Assert.Equal(before + 1, DataAtRestMetrics.For(Sys).JournalDecryptFailures);
    }

    [Fact]
    public async Task A_snapshot_altered_behind_a_valid_checksum_is_refused()
    {
        var first = Start("tampered-snapshot");
        Append(first, "a");
        Snapshot(first);
        Stop(first);
        var before = DataAtRestMetrics.For(Sys).SnapshotDecryptFailures;

        await StoredRecordTampering.FlipSnapshotCiphertextKeepingCrcAsync(Backend, "tampered-snapshot", 1);

        var second = Start("tampered-snapshot");
        Watch(second);
        var refused = Refusal(_monitor.ExpectMsg<JournalingActor.RecoveryFailed>(Generous).Cause);
        Assert.Equal("snapshot tampered-snapshot#1", refused.Record);
        ExpectTerminated(second, Generous);
        Assert.Equal(before + 1, DataAtRestMetrics.For(Sys).SnapshotDecryptFailures);
    }

    [Fact]
    public async Task Records_sealed_before_a_rotation_still_open_and_new_ones_use_the_new_key()
    {
        await using (var journal = Sealed(KeyFile))
            await journal.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("rotated", 1, PersistenceTypeIds.Utf8String, "one"u8.ToArray()))]);
        using (var rotated = DataKeyring.Rotate(KeyFile)) Assert.Equal(2u, rotated.CurrentKeyId);
        await using (var journal = Sealed(KeyFile))
        {
            await journal.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("rotated", 2, PersistenceTypeIds.Utf8String, "two"u8.ToArray()))]);
            Assert.Equal(["one", "two"], (await ReplayAsync(journal, "rotated")).Select(r => Utf8(r.Payload)));
        }
        await using var raw = Backend.OpenJournal();
        Assert.Equal(new uint?[] { 1, 2 }, (await ReplayAsync(raw, "rotated")).Select(r => DataKeyring.KeyIdOf(r.Payload)));
    }

    [Fact]
    public async Task Plaintext_records_are_refused_unless_accept_plaintext_is_on()
    {
        await using (var plain = Backend.OpenJournal())
            await plain.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("legacy", 1, PersistenceTypeIds.Utf8String, "old"u8.ToArray()))]);

        await using (var strict = Sealed(KeyFile))
        {
            var refused = await Assert.ThrowsAsync<DataDecryptionException>(() => ReplayAsync(strict, "legacy"));
            Assert.Null(refused.KeyId);
            Assert.Contains("accept-plaintext = on", refused.Message, StringComparison.Ordinal);
        }
        await using var migrating = Sealed(KeyFile, acceptPlaintext: true);
        await migrating.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("legacy", 2, PersistenceTypeIds.Utf8String, "new"u8.ToArray()))]);
        Assert.Equal(["old", "new"], (await ReplayAsync(migrating, "legacy")).Select(r => Utf8(r.Payload)));
    }

    [Fact]
    public async Task A_keyring_without_the_records_key_is_a_clear_error()
    {
        var before = Path.Combine(_keys.Path, "before-rotation.key");
        File.Copy(KeyFile, before);
        DataKeyring.Rotate(KeyFile).Dispose();
        await using (var journal = Sealed(KeyFile))
            await journal.WriteMessagesAsync([new AtomicWrite(new PersistentRepr("keyed", 1, PersistenceTypeIds.Utf8String, "x"u8.ToArray()))]);
        var other = Path.Combine(_keys.Path, "other.key");
        DataKeyring.Create(other).Dispose();
        DataKeyring.Rotate(other).Dispose();

        await using (var stale = Sealed(before))
        {
            var missing = await Assert.ThrowsAsync<DataDecryptionException>(() => ReplayAsync(stale, "keyed"));
            Assert.Equal(2u, missing.KeyId);
            Assert.Contains("holds no key 2", missing.Message, StringComparison.Ordinal);
        }
        await using var wrong = Sealed(other);
        var mismatch = await Assert.ThrowsAsync<DataDecryptionException>(() => ReplayAsync(wrong, "keyed"));
        Assert.Equal(2u, mismatch.KeyId);
        Assert.Contains("authentication tag", mismatch.Message, StringComparison.Ordinal);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Backend.Dispose();
        _keys.Dispose();
    }
}
