using System.Net;
using System.Net.Sockets;
using DistSync.Client;
using StackExchange.Redis;

namespace DistSync.Ops.Tests;

/// <summary><c>./build.sh cluster</c> (scripts/cluster.sh) as a developer runs it: ports checked first, nodes watched.</summary>
public class ClusterScriptSpec
{
    [Fact]
    public void A_port_held_by_another_listener_fails_before_anything_starts_and_names_the_port()
    {
        using var cluster = new ScriptCluster();
        // 1. something else listens on n2's remoting port
        using var taken = new TcpListener(IPAddress.Loopback, cluster.RemotePort(2));
        taken.Start();

        // 2. the script exits non-zero
        cluster.Start();
        Assert.True(cluster.WaitForExit(ScriptCluster.Patience), "the script kept running although a port is taken:\n" + cluster.Output);
        Assert.NotEqual(0, cluster.ExitCode);

        // 3. it names the port and the process holding it (this test process)
        Assert.Contains($"port {cluster.RemotePort(2)} (n2-remoting)", cluster.Output, StringComparison.Ordinal);
        if (ToolOnPath("ss") || ToolOnPath("lsof")) Assert.Contains($"pid {Environment.ProcessId}", cluster.Output, StringComparison.Ordinal);

        // 4. nothing was started: no pid files, no node listening
        Assert.False(Directory.Exists(cluster.RunDir) && Directory.GetFiles(cluster.RunDir, "n?.pid").Length > 0, "pid files written:\n" + cluster.Output);
        foreach (var node in new[] { 1, 2, 3 }) Assert.False(Repo.Listening(cluster.HttpPort(node)), $"n{node} HTTP listens");
        Assert.DoesNotContain(" up: http", cluster.Output, StringComparison.Ordinal);
    }

    private static bool ToolOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));

    [Fact]
    public async Task A_restart_through_node_n_is_not_a_failure_but_a_node_killed_later_stops_the_cluster_and_the_script_fails_naming_it()
    {
        using var cluster = new ScriptCluster();
        try
        {
            // 1. start the three nodes
            cluster.Start();
            await cluster.WaitRunningAsync();
            var first = cluster.PidOf(2);

            // 2. ./build.sh node 2 restarts n2 with its settings; the script keeps watching
            var (code, output) = cluster.RunNodeCommand(2);
            Assert.True(code == 0, $"node 2 restart failed ({code}):\n{output}");
            var second = cluster.PidOf(2);
            Assert.NotEqual(first, second);
            Assert.False(Repo.Alive(first), "the old n2 still runs");
            await Eventually.Until(() => cluster.Output.Contains($"n2 restarted (pid {second})", StringComparison.Ordinal), ScriptCluster.Patience, "the watcher adopted the new n2");
            Assert.False(cluster.WaitForExit(TimeSpan.Zero), "the script exited after a deliberate restart:\n" + cluster.Output);
            using (var client = new DistSyncClient($"127.0.0.1:{cluster.HttpPort(2)}", TimeSpan.FromSeconds(5)))
                Assert.True((await client.GetHealthAsync()).Healthy, "the restarted n2 is not healthy");

            // 3. ./build.sh node 3 --stop stops n3 on purpose, ./build.sh node 3 brings it back; the script keeps running
            var (stopCode, stopOutput) = cluster.RunNodeCommand(3, "--stop");
            Assert.True(stopCode == 0, $"node 3 --stop failed ({stopCode}):\n{stopOutput}");
            await Eventually.Until(() => cluster.Output.Contains("n3 stopped on purpose", StringComparison.Ordinal), ScriptCluster.Patience, "the watcher saw n3 stopped on purpose");
            var (startCode, startOutput) = cluster.RunNodeCommand(3);
            Assert.True(startCode == 0, $"node 3 start failed ({startCode}):\n{startOutput}");
            Assert.False(cluster.WaitForExit(TimeSpan.Zero), "the script exited after a deliberate stop and start:\n" + cluster.Output);

            // 4. kill -9 the (restarted) n2
            var others = new[] { cluster.PidOf(1), cluster.PidOf(3) };
            Repo.KillHard(second);

            // 5. the script says which node died, stops the other two and exits non-zero
            Assert.True(cluster.WaitForExit(ScriptCluster.Patience), "the script did not notice the killed node:\n" + cluster.Output);
            Assert.Equal(1, cluster.ExitCode);
            Assert.Contains($"node n2 (pid {second}) died", cluster.Output, StringComparison.Ordinal);
            foreach (var pid in others) Assert.False(Repo.Alive(pid), $"node pid {pid} still runs after the script stopped");
        }
        catch
        {
            Console.Error.WriteLine(cluster.Output);
            throw;
        }
    }

    [Fact]
    public void A_node_that_dies_during_start_up_fails_the_script_naming_it()
    {
        // a node that cannot run at all (its dll is missing) exits at once, before /health can pass
        using var cluster = new ScriptCluster { NodeDll = Path.Combine(Path.GetTempPath(), "no-such-node", "DistSync.Node.dll") };
        cluster.Start();
        Assert.True(cluster.WaitForExit(ScriptCluster.Patience), "the script kept running although its nodes died:\n" + cluster.Output);
        Assert.Equal(1, cluster.ExitCode);
        Assert.Matches(@"cluster: node n[123] \(pid \d+\) died with exit code [1-9]", cluster.Output);
        Assert.DoesNotContain("The cluster is running", cluster.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_journal_redis_the_cluster_journals_to_a_redis_server_it_starts_and_stops()
    {
        using var cluster = new ScriptCluster();
        try
        {
            // 1. start with --journal redis: the script starts its own redis-server under the data directory
            cluster.Start("--journal", "redis");
            await cluster.WaitRunningAsync();
            var endpoint = File.ReadAllLines(Path.Combine(cluster.RunDir, "cluster.env"))
                .Single(l => l.StartsWith("redis_endpoint=", StringComparison.Ordinal))["redis_endpoint=".Length..];
            var redisPid = int.Parse(File.ReadAllText(Path.Combine(cluster.RunDir, "redis.pid")).Trim());

            // 2. write a key through n1, read it (linearizable) from n3
            using (var n1 = new DistSyncClient($"127.0.0.1:{cluster.HttpPort(1)}", TimeSpan.FromSeconds(10)))
                await Eventually.Until(() => n1.PutAsync("ops/redis", "journaled"), _ => true, ScriptCluster.Patience, "PUT through n1");
            using (var n3 = new DistSyncClient($"127.0.0.1:{cluster.HttpPort(3)}", TimeSpan.FromSeconds(10)))
                await Eventually.Until(() => n3.GetAsync("ops/redis"), r => r?.Value == "journaled", ScriptCluster.Patience, "GET from n3");

            // 3. every node's journal is in that Redis (keys dsync:<node id>:...)
            using (var redis = await ConnectionMultiplexer.ConnectAsync(endpoint))
            {
                var server = redis.GetServer(endpoint);
                foreach (var node in new[] { "n1", "n2", "n3" })
                    Assert.True(server.Keys(pattern: $"dsync:{node}:*").Any(), $"no journal keys of {node} in redis at {endpoint}");
            }

            // 4. stopping the cluster stops that redis-server too
            cluster.Terminate();
            Assert.True(cluster.WaitForExit(ScriptCluster.Patience), "the script did not stop:\n" + cluster.Output);
            Assert.Equal(0, cluster.ExitCode);
            Assert.False(Repo.Alive(redisPid), "redis-server still runs after the cluster stopped");
        }
        catch
        {
            Console.Error.WriteLine(cluster.Output);
            throw;
        }
    }

    [Fact]
    public async Task With_secure_the_nodes_serve_HTTPS_over_mutual_TLS_with_tokens_and_the_secrets_it_made_work()
    {
        using var cluster = new ScriptCluster();
        try
        {
            // 1. start with --secure: the script makes the CA, node certificates, the signing key and two tokens
            cluster.Start("--secure");
            await cluster.WaitRunningAsync();
            var secrets = Path.Combine(cluster.Data, "secrets");
            foreach (var file in new[] { "ca.crt", "ca.key", "n1.crt", "n1.key", "n2.crt", "n3.key", "token.key", "data.key", "admin.token", "reader.token" })
                Assert.True(File.Exists(Path.Combine(secrets, file)), $"{file} missing in {secrets}:\n{cluster.Output}");
            foreach (var secret in new[] { "ca.key", "n1.key", "token.key", "data.key", "admin.token" })
                if (!OperatingSystem.IsWindows())
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(secrets, secret)));
            Assert.Contains($"DSYNC_CA={secrets}/ca.crt", cluster.Output, StringComparison.Ordinal);
            Assert.Contains($" up: https://127.0.0.1:{cluster.HttpPort(1)}", cluster.Output, StringComparison.Ordinal);

            // 2. over HTTPS trusting ca.crt: the admin token writes, the reader token reads but may not write, none is a 401
            var ca = Path.Combine(secrets, "ca.crt");
            var admin = File.ReadAllText(Path.Combine(secrets, "admin.token")).Trim();
            var reader = File.ReadAllText(Path.Combine(secrets, "reader.token")).Trim();
            using (var n1 = Https(ca, cluster.HttpPort(1), admin))
                await Eventually.Until(() => n1.PutAsync("ops/secure", "sealed-7f3a9c"), _ => true, ScriptCluster.Patience, "PUT through n1 with the admin token");
            using (var n3 = Https(ca, cluster.HttpPort(3), reader))
            {
                await Eventually.Until(() => n3.GetAsync("ops/secure"), r => r?.Value == "sealed-7f3a9c", ScriptCluster.Patience, "GET from n3 with the reader token");
                var denied = await Assert.ThrowsAsync<DistSyncApiException>(() => n3.PutAsync("ops/secure", "overwritten"));
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
                await Eventually.Until(() => n3.GetStatusAsync(), st => st.Members.Count == 3, ScriptCluster.Patience, "three members seen by n3 over mTLS");
            }
            using (var anonymous = Https(ca, cluster.HttpPort(2), null))
                Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<DistSyncApiException>(() => anonymous.GetStatusAsync())).StatusCode);

            // 3. encrypted at rest: no file of any node's data directory holds the value written
            foreach (var node in new[] { 1, 2, 3 })
                foreach (var file in Directory.GetFiles(Path.Combine(cluster.Data, $"n{node}"), "*", SearchOption.AllDirectories))
                {
                    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    Assert.False(copy.ToArray().AsSpan().IndexOf("sealed-7f3a9c"u8) >= 0, $"{file} holds the value in plaintext");
                }

            // 4. no secret in the node logs: not a token, not the signing key
            var key = File.ReadAllText(Path.Combine(secrets, "token.key")).Trim();
            foreach (var node in new[] { 1, 2, 3 })
            {
                var log = File.ReadAllText(Path.Combine(cluster.Data, "logs", $"n{node}.log"));
                Assert.Contains("TLS: https on, remoting mutual TLS on", log, StringComparison.Ordinal);
                Assert.Contains("encryption at rest on", log, StringComparison.Ordinal);
                foreach (var secret in new[] { admin, reader, key })
                    Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
            }

            // 5. plain HTTP is refused with a 400 that says why
            using (var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                var response = await plain.GetAsync($"http://127.0.0.1:{cluster.HttpPort(1)}/health");
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("HTTPS only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        catch
        {
            Console.Error.WriteLine(cluster.Output);
            throw;
        }
    }

    private static DistSyncClient Https(string caFile, int port, string? token)
    {
        var trust = DistSync.Security.ClusterTrust.Load(caFile);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    trust.IsTrustedServer(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2, errors, out _),
            },
        };
        return new DistSyncClient([$"https://127.0.0.1:{port}"], handler, TimeSpan.FromSeconds(10)) { AccessToken = token };
    }
}
