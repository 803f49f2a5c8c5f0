using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DistSync.Client;
using Xunit.Abstractions;

namespace DistSync.Cli.Tests;

/// <summary>
/// Issue 14 item 3: two <c>dsync chat</c> processes under tmux, each on another node of three real node processes.
/// Both type lines; both screens must show the same <c>[seq] nick: text</c> lines in the same order, seqs 1, 2, 3, …
/// each typed line once. Then the meta leader (the sequencer) is killed with SIGKILL, both type more, and the screens
/// must still agree, without a gap or a repeat. The panes are printed to the test output.
/// </summary>
public partial class DsyncChatTmuxSpec(ITestOutputHelper log)
{
    private const string Topic = "room";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"\[(\d+)\] ([a-z]+): (.*)$")]
    private static partial Regex ChatLine();

    [Fact]
    public async Task Two_chats_on_two_nodes_show_the_same_lines_in_the_same_order_also_across_a_leader_kill()
    {
        var tmux = FindTmux();
        using var cluster = new NodeCluster();
        await using var panes = new Tmux(tmux, "dsync-chat-" + Guid.NewGuid().ToString("N")[..8]);

        // 1. three node processes found one meta group; every node sees the same leader
        cluster.StartAll();
        var leader = await cluster.WaitForLeaderAsync([0, 1, 2]);
        log.WriteLine($"leader: n{leader + 1}");

        // 2. ada chats through the leader's node, bob through a follower's; each knows all three nodes
        var follower = (leader + 1) % 3;
        var third = (leader + 2) % 3;
        panes.StartChat("ada", [cluster.Http(leader), cluster.Http(follower), cluster.Http(third)]);
        panes.StartChat("bob", [cluster.Http(follower), cluster.Http(third), cluster.Http(leader)]);
        await panes.WaitForTextAsync("ada", "-- ada on 'room'");
        await panes.WaitForTextAsync("bob", "-- bob on 'room'");

        // 3. both type, interleaved
        var typed = new List<(string Nick, string Text)>();
        for (var i = 1; i <= 4; i++)
        {
            foreach (var nick in new[] { "ada", "bob" })
            {
                var text = $"{nick} says {i} before the kill";
                panes.Type(nick, text);
                typed.Add((nick, text));
            }
        }
        var before = await WaitForSameLinesAsync(panes, typed.Count);
        PrintPanes(panes, "before the leader kill");
        AssertOneOrder(before, typed);

        // 4. kill -9 the meta leader (asked again: it may have moved)
        var sequencer = await cluster.WaitForLeaderAsync([0, 1, 2]);
        cluster.Kill(sequencer);
        log.WriteLine($"killed the meta leader n{sequencer + 1} ({cluster.Http(sequencer)}); ada's node was n{leader + 1}, bob's n{follower + 1}");

        // 5. both type more at once; the chats ride out the election (and ada, if her node died, moves on)
        for (var i = 1; i <= 4; i++)
        {
            foreach (var nick in new[] { "bob", "ada" })
            {
                var text = $"{nick} says {i} after the kill";
                panes.Type(nick, text);
                typed.Add((nick, text));
            }
        }
        var after = await WaitForSameLinesAsync(panes, typed.Count);
        PrintPanes(panes, "after the leader kill");
        AssertOneOrder(after, typed);
        Assert.Equal(before, after.Take(before.Count));
        var newLeader = await cluster.WaitForLeaderAsync([.. new[] { 0, 1, 2 }.Where(i => i != sequencer)]);
        log.WriteLine($"new leader: n{newLeader + 1}");
        if (sequencer == leader) Assert.Contains($"-- lost {cluster.Http(leader)}", panes.Capture("ada"));
        if (sequencer == follower) Assert.Contains($"-- lost {cluster.Http(follower)}", panes.Capture("bob"));
    }

    /// <summary>
    /// Waits until both panes show <paramref name="count"/> chat lines and the same ones; returns them. A pane that
    /// shows more than <paramref name="count"/>, or lines the other lacks once both have all, fails at once.
    /// </summary>
    private async Task<List<string>> WaitForSameLinesAsync(Tmux panes, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var ada = ChatLines(panes.Capture("ada"));
            var bob = ChatLines(panes.Capture("bob"));
            if (ada.Count >= count && bob.Count >= count)
            {
                if (ada.Count > count || bob.Count > count) PrintPanes(panes, "more lines than were typed");
                Assert.Equal(count, ada.Count);
                Assert.Equal(count, bob.Count);
                Assert.Equal(ada, bob);
                return ada;
            }
            if (DateTime.UtcNow > deadline)
            {
                PrintPanes(panes, "timed out");
                Assert.Fail($"within {Patience.TotalSeconds:0} s ada's screen showed {ada.Count} and bob's {bob.Count} of {count} chat lines");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The lines are seqs 1..n, each typed line exactly once, and each chat's own lines in the order typed.</summary>
    private static void AssertOneOrder(List<string> lines, List<(string Nick, string Text)> typed)
    {
        var parsed = lines.Select(l => ChatLine().Match(l)).Select(m => (Seq: long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            Nick: m.Groups[2].Value, Text: m.Groups[3].Value)).ToList();
        Assert.Equal(Enumerable.Range(1, typed.Count).Select(i => (long)i), parsed.Select(p => p.Seq));
        Assert.Equal(typed.OrderBy(t => t.Text, StringComparer.Ordinal), parsed.Select(p => (p.Nick, p.Text)).OrderBy(t => t.Text, StringComparer.Ordinal));
        foreach (var nick in new[] { "ada", "bob" })
            Assert.Equal(typed.Where(t => t.Nick == nick).Select(t => t.Text), parsed.Where(p => p.Nick == nick).Select(p => p.Text));
    }

    /// <summary>
    /// The <c>[seq] nick: text</c> lines of a screen. Found anywhere in a line: a message printed while the terminal
    /// echoed a half-typed line lands behind that text.
    /// </summary>
    private static List<string> ChatLines(string screen) =>
        [.. screen.Split('\n').Select(l => ChatLine().Match(l.TrimEnd())).Where(m => m.Success).Select(m => m.Value)];

    private void PrintPanes(Tmux panes, string when)
    {
        foreach (var nick in new[] { "ada", "bob" })
        {
            log.WriteLine($"===== {nick}'s screen, {when} =====");
            log.WriteLine(panes.Capture(nick).TrimEnd('\n'));
        }
    }

    /// <summary>tmux on PATH or at /usr/bin/tmux; a missing tmux fails the spec (it is not skipped).</summary>
    private static string FindTmux()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "tmux"))
            .Append("/usr/bin/tmux");
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException(
                   "tmux is not installed (not on PATH, not at /usr/bin/tmux). This spec drives two `dsync chat` sessions through tmux " +
                   "(send-keys, capture-pane) and cannot run without it: install tmux (e.g. apt-get install tmux) and run it again.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "dsync.conf"))) return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (hocon/dsync.conf) above " + AppContext.BaseDirectory);
    }

    /// <summary>Tests only: one tmux server on its own socket, a session per chat (200 x 50), killed with every chat on dispose.</summary>
    private sealed class Tmux(string tmux, string socket) : IAsyncDisposable
    {
        private static readonly string Dsync = typeof(DsyncCli).Assembly.Location;

        /// <summary>
        /// Starts <c>dsync chat</c> in a session named after the nick. When the chat exits the pane stays, showing its
        /// exit code, so a crash can be read in the capture.
        /// </summary>
        public void StartChat(string nick, IEnumerable<string> nodes)
        {
            var chat = $"dotnet '{Dsync}' chat {Topic} --name {nick} --nodes {string.Join(',', nodes)} --timeout 5";
            Run("new-session", "-d", "-s", nick, "-x", "200", "-y", "50", $"{chat}; echo \"[dsync chat exited: $?]\"; sleep 600");
        }

        public void Type(string nick, string text)
        {
            Run("send-keys", "-t", nick, "-l", text);
            Run("send-keys", "-t", nick, "Enter");
        }

        /// <summary>The whole pane, scroll-back included, wrapped lines joined.</summary>
        public string Capture(string nick) => Run("capture-pane", "-p", "-J", "-S", "-", "-t", nick).Replace("\r", "");

        public async Task WaitForTextAsync(string nick, string text)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!Capture(nick).Contains(text, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"'{text}' did not appear on {nick}'s screen within {Patience.TotalSeconds:0} s:\n{Capture(nick)}");
                await Task.Delay(200);
            }
        }

        private string Run(params string[] args)
        {
            var info = new ProcessStartInfo(tmux) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-L");
            info.ArgumentList.Add(socket);
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000)) throw new TimeoutException($"tmux {string.Join(' ', args)} did not exit within 10 s");
            if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited {process.ExitCode}: {stderr}");
            return stdout.Result;
        }

        public ValueTask DisposeAsync()
        {
            try
            {
                Run("kill-server");
            }
            catch (InvalidOperationException)
            {
                // no server left
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Tests only: three DistSync.Node processes on loopback founding one meta group, fast failure detection.</summary>
    private sealed class NodeCluster : IDisposable
    {
        private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-chat-tmux-" + Guid.NewGuid().ToString("N"));
        private readonly int[] _http;
        private readonly int[] _remote;
        private readonly Process?[] _processes = new Process?[3];
        private readonly StringBuilder[] _output = [new(), new(), new()];

        public NodeCluster()
        {
            var ports = FreePorts(6);
            _http = ports[..3];
            _remote = ports[3..];
        }

        public string Http(int i) => $"127.0.0.1:{_http[i]}";

        public void StartAll()
        {
            var founders = string.Join(",", _remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));
            for (var i = 0; i < 3; i++) Start(i, founders);
        }

        private void Start(int i, string founders)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepositoryRoot(),
            };
            info.ArgumentList.Add(typeof(DistSync.Node.Hosting.NodeProgram).Assembly.Location);
            foreach (var (key, value) in new[]
                     {
                         ("config", "hocon/dsync.conf"),
                         ("set", $"dsync.node.id=n{i + 1}"),
                         ("set", $"dsync.node.data-dir={Path.Combine(_dataRoot, $"n{i + 1}")}"),
                         ("set", $"dsync.http.port={_http[i]}"),
                         ("set", $"dsync.remote.port={_remote[i]}"),
                         ("set", $"dsync.cluster.seeds={string.Join(",", _remote.Where((_, j) => j != i).Select(p => $"127.0.0.1:{p}"))}"),
                         ("set", $"dsync.cluster.initial-members={founders}"),
                         ("set", "dsync.failure-detector.heartbeat-interval=200ms"),
                         ("set", "dsync.failure-detector.acceptable-heartbeat-pause=1s"),
                         ("set", "dsync.http.request-timeout=2s"),
                         ("set", "dsync.log.level=warning"),
                     })
            {
                info.ArgumentList.Add("--" + key);
                info.ArgumentList.Add(value);
            }
            var process = new Process { StartInfo = info };
            var output = _output[i];
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes[i] = process;
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
        }

        /// <summary>SIGKILL: no shutdown hook runs, as in a crash.</summary>
        public void Kill(int i)
        {
            var process = _processes[i]!;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(30_000);
        }

        /// <summary>The node every one of <paramref name="among"/> names as the meta group's leader (GET /raft/status, group 0).</summary>
        public async Task<int> WaitForLeaderAsync(int[] among)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                var leaders = new List<string?>();
                foreach (var i in among) leaders.Add(await MetaLeaderOfAsync(i));
                if (leaders[0] is { } id && leaders.All(l => l == id)) return int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) - 1;
                await Task.Delay(200);
            }
            var logs = string.Join("\n", among.Select(i => $"--- n{i + 1}:\n{Output(i)}"));
            throw new TimeoutException($"no meta leader seen by n{string.Join(", n", among.Select(i => i + 1))} within {Patience.TotalSeconds:0} s\n{logs}");
        }

        private async Task<string?> MetaLeaderOfAsync(int i)
        {
            try
            {
                using var client = new DistSyncClient(Http(i), TimeSpan.FromSeconds(2));
                return (await client.GetRaftStatusAsync()).Groups.FirstOrDefault(g => g.GroupId == 0)?.Leader;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
                return null; // not up yet
            }
        }

        private string Output(int i)
        {
            lock (_output[i]) return _output[i].ToString();
        }

        private static int[] FreePorts(int count)
        {
            // Every listener is held until all are chosen, so the ports are distinct.
            var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
            foreach (var l in listeners) l.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            foreach (var l in listeners) l.Stop();
            return ports;
        }

        public void Dispose()
        {
            foreach (var p in _processes)
            {
                if (p is null) continue;
                try
                {
                    if (!p.HasExited) p.Kill(entireProcessTree: true);
                    p.WaitForExit(30_000); // before the data dir is deleted under it
                }
                catch (InvalidOperationException)
                {
                }
                p.Dispose();
            }
            try
            {
                Directory.Delete(_dataRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
