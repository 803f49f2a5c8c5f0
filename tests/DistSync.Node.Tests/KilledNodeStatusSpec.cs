using System.Net;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests;

/// <summary>
/// Issue 11: with a member dead (its links cut, then its actor system stopped without leaving: what its peers see of a
/// kill -9), GET /status keeps answering 200 with valid JSON on every survivor for a whole minute, while the dead
/// member's phi passes the threshold and grows to +infinity (written as the largest double).
/// </summary>
public class KilledNodeStatusSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Survivors_answer_status_for_a_minute_after_a_member_died()
    {
        // 1. three nodes, all up with their ids
        await using var cluster = await InProcessCluster.StartAsync(3);
        foreach (var client in cluster.Clients)
        {
            await Eventually.Until(() => client.GetStatusAsync(), s => s.Members.Count == 3 && s.Members.All(m => m.Status == "up" && m.NodeId is not null),
                Patience, $"all up at {client.BaseAddress}");
        }

        // 2. n3 dies without a word
        await cluster.Faults.IsolateAsync(cluster.Nodes[2]);
        await cluster.Nodes[2].CrashAsync();

        // 3. for a minute, every /status on n1 and n2 is a 200 with valid JSON
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var survivors = cluster.Nodes.Take(2).Select(n => new Uri(n.HttpAddress, "/status")).ToList();
        var polls = 0;
        var sawUnreachable = new bool[2];
        var maxPhi = new double[2];
        var end = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < end)
        {
            for (var i = 0; i < survivors.Count; i++)
            {
                using var response = await http.GetAsync(survivors[i]);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"poll {polls} of {survivors[i]}: {(int)response.StatusCode} {body}");
                using var json = JsonDocument.Parse(body);
                var status = JsonSerializer.Deserialize<StatusResponse>(body, DistSync.Client.DistSyncJson.Options)!;
                Assert.Equal(3, status.Members.Count);
                var dead = Assert.Single(status.Members, m => m.NodeId == "n3");
                if (dead.Status == "unreachable") sawUnreachable[i] = true;
                maxPhi[i] = Math.Max(maxPhi[i], dead.Phi);
            }
            polls++;
            await Task.Delay(500);
        }

        // 4. both saw it unreachable (nobody downed it: Raft did not remove it), its phi past the threshold
        Assert.All(sawUnreachable, Assert.True);
        Assert.All(maxPhi, phi => Assert.True(phi >= 8.0, $"phi {phi}"));
        Assert.True(polls > 10, $"only {polls} polls");
    }
}
