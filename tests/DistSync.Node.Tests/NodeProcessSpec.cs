using DistSync.Client;

namespace DistSync.Node.Tests;

/// <summary>Real node processes: crash with kill -9, graceful stop, and clear startup errors.</summary>
public class NodeProcessSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_killed_node_is_reported_unreachable_by_the_others_and_is_up_again_after_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "dsync-proc-" + Guid.NewGuid().ToString("N"));
        var http = TestPorts.Free(3);
        var remote = TestPorts.Free(3);
        int[] Others(int i) => remote.Where((_, j) => j != i).ToArray();
        var processes = new NodeProcess?[3];
        var clients = http.Select(p => new DistSyncClient($"127.0.0.1:{p}", TimeSpan.FromSeconds(5))).ToArray();
        try
        {
            // 1. start three node processes
            for (var i = 0; i < 3; i++) processes[i] = NodeProcess.StartMember($"n{i + 1}", http[i], remote[i], Others(i), Path.Combine(data, $"n{i + 1}"));

            // 2. each reports all three members up
            foreach (var c in clients)
                await Eventually.Until(() => c.GetStatusAsync(), s => s.Members.Count == 3 && s.Members.All(m => m.Status == "up" && m.NodeId != null), Patience, $"all up at {c.BaseAddress}");

            // 3. kill -9 node 3
            processes[2]!.KillHard();

            // 4. nodes 1 and 2 report n3 unreachable in /status
            foreach (var c in clients.Take(2))
                await Eventually.Until(() => c.GetStatusAsync(), s => s.Members.Any(m => m.NodeId == "n3" && m.Status == "unreachable"), Patience, $"n3 unreachable at {c.BaseAddress}");

            // 5. restart node 3 on the same ports: it is up again everywhere
            processes[2]!.Dispose();
            processes[2] = NodeProcess.StartMember("n3", http[2], remote[2], Others(2), Path.Combine(data, "n3"));
            foreach (var c in clients)
                await Eventually.Until(() => c.GetStatusAsync(), s => s.Members.Count == 3 && s.Members.All(m => m.Status == "up"), Patience, $"all up again at {c.BaseAddress}");
        }
        catch
        {
            foreach (var p in processes) Console.Error.WriteLine(p?.Output);
            throw;
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
            foreach (var p in processes) p?.Dispose();
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task SIGTERM_stops_the_node_gracefully_with_exit_code_0()
    {
        var http = TestPorts.Free();
        var data = Path.Combine(Path.GetTempPath(), "dsync-proc-" + Guid.NewGuid().ToString("N"));
        using var node = NodeProcess.StartMember("n1", http, TestPorts.Free(), [], data);
        using var client = new DistSyncClient($"127.0.0.1:{http}", TimeSpan.FromSeconds(5));
        await Eventually.Until(async () => (await client.GetHealthAsync()).Healthy, ok => ok, Patience, "healthy");

        node.Terminate();

        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(30)), "node did not stop within 30 s of SIGTERM:\n" + node.Output);
        Assert.Equal(0, node.ExitCode);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_port_in_use_fails_at_startup_with_a_clear_error_and_exit_code_3()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var data = Path.Combine(Path.GetTempPath(), "dsync-proc-" + Guid.NewGuid().ToString("N"));

        using var node = NodeProcess.StartMember("n1", TestPorts.Free(), port, [], data);

        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)), "node kept running although its port is taken");
        Assert.Equal(3, node.ExitCode);
        Assert.Contains($"cannot bind the remoting port 127.0.0.1:{port}", node.Output);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("dsync.http.port=eighty", "dsync.http.port")]
    [InlineData("dsync.cluster.seeds=nohostport", "dsync.cluster.seeds")]
    public void Bad_configuration_fails_at_startup_naming_the_key_with_exit_code_2(string setting, string key)
    {
        using var node = NodeProcess.Start("--config", "hocon/dsync.conf", "--set", setting);

        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)), "node kept running with a bad configuration");
        Assert.Equal(2, node.ExitCode);
        Assert.Contains("bad configuration", node.Output);
        Assert.Contains(key, node.Output);
    }

    [Fact]
    public void A_syntax_error_in_the_config_file_names_file_line_and_column()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "dsync {\n  node.id = n1\n  http { port = 1 \n");
        try
        {
            using var node = NodeProcess.Start("--config", file);

            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Equal(2, node.ExitCode);
            Assert.Matches(@"bad-[0-9a-f]+\.conf:\d+:\d+", node.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
