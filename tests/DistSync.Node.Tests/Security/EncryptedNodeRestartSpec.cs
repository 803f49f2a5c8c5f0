using System.Text;
using DistSync.Client;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using DistSync.Security;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests.Security;

/// <summary>
/// Encryption at rest on a real node (SQLite journal and snapshots): what it wrote comes back after a restart, the
/// start says which key seals, /metrics shows the refusal counter, and no file of the data directory holds a
/// written value in plaintext.
/// </summary>
public sealed class EncryptedNodeRestartSpec : IDisposable
{
    private const string Secret = "enc-at-rest-value-5d1c9e";
    private const string LockedResource = "enc-at-rest-lock-b07a";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));
    private readonly int _remotePort = TestPorts.Free();

    private string DataDir => Path.Combine(_root, "n1");

    private string KeyFile => Path.Combine(_root, "secrets", "data.key");

    private async Task<(DistSyncNode Node, DistSyncClient Client)> StartAsync(StringWriter log)
    {
        var hocon = $$"""
            dsync {
              node { id = "n1", data-dir = "{{DataDir.Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{_remotePort}} }
              cluster.initial-members = ["n1@127.0.0.1:{{_remotePort}}"]
              security.data-key-file = "{{KeyFile.Replace("\\", "/")}}"
            }
            """;
        var node = await DistSyncNode.StartAsync(new ConfigurationBuilder().AddHoconString(hocon).Build(),
            DistSyncLogging.CreateLogger("n1", LogFormat.Console, LogEventLevel.Information, log));
        var client = new DistSyncClient(node.HttpAddress.ToString(), TimeSpan.FromSeconds(10));
        await Eventually.Until(() => Task.FromResult(node.Meta.Status.Leader), leader => leader == "n1", Patience, "n1 leads its own cluster");
        return (node, client);
    }

    [Fact]
    public async Task A_node_with_a_data_key_reads_back_its_kv_and_locks_after_a_restart_and_stores_no_plaintext()
    {
        // 1. a keyring, and a node that seals with it
        DataKeyring.Create(KeyFile).Dispose();
        var firstLog = new StringWriter();
        var (node, client) = await StartAsync(firstLog);
        string session;
        long token;
        try
        {
            Assert.Contains("encryption at rest on", firstLog.ToString(), StringComparison.Ordinal);
            Assert.Contains("under data key 1", firstLog.ToString(), StringComparison.Ordinal);

            // 2. a KV write and a lock grant
            await client.PutAsync("enc/secret", Secret);
            session = (await client.CreateSessionAsync(TimeSpan.FromMinutes(5), "enc-spec")).SessionId;
            token = (await client.AcquireAsync(LockedResource, session)).FencingToken;

            using var http = new HttpClient { BaseAddress = node.HttpAddress };
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("dsync_persistence_decrypt_failures_total{kind=\"journal\"} 0", metrics, StringComparison.Ordinal);
        }
        finally
        {
            client.Dispose();
            await node.StopAsync().WaitAsync(Patience);
        }

        // 3. restarted on the same data directory: both read back
        (node, client) = await StartAsync(new StringWriter());
        try
        {
            Assert.Equal(Secret, (await client.GetAsync("enc/secret"))!.Value);
            var status = await client.GetLockStatusAsync(LockedResource);
            Assert.Equal(session, Assert.Single(status.Holders).SessionId);
            Assert.Equal(token, status.Holders[0].FencingToken);
        }
        finally
        {
            client.Dispose();
            await node.StopAsync().WaitAsync(Patience);
        }

        // 4. no file of the data directory (database, WAL, anything else) holds the value or the lock's name
        var files = Directory.GetFiles(DataDir, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("persistence.db", StringComparison.Ordinal));
        var all = files.Select(File.ReadAllBytes).ToList();
        Assert.Contains(all, bytes => bytes.AsSpan().IndexOf("raft-0"u8) >= 0); // persistence ids stay plaintext: the scan reads the store
        foreach (var marker in new[] { Secret, LockedResource })
            Assert.DoesNotContain(all, bytes => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0);
    }

    [Fact]
    public async Task A_node_whose_data_key_file_is_missing_does_not_start_and_says_how_to_make_one()
    {
        var refused = await Assert.ThrowsAsync<NodeStartupException>(() => StartAsync(new StringWriter()));
        Assert.Contains("cannot load the data keyring", refused.Message, StringComparison.Ordinal);
        Assert.Contains("dsync datakey init", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
