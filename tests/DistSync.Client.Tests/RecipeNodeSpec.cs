using DistSync.Cli.Tests;
using DistSync.Node.Tests;

namespace DistSync.Client.Tests;

/// <summary>The election, service registry and barrier recipes against a real in-process node, without failures.</summary>
public class RecipeNodeSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Candidates_lead_in_campaign_order_as_each_leader_resigns_and_a_repeat_campaign_keeps_its_place()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        await using var s1 = await client.StartSessionAsync(Ttl);
        await using var s2 = await client.StartSessionAsync(Ttl);
        await using var s3 = await client.StartSessionAsync(Ttl);
        var election = client.Election("jobs");
        Assert.Null(await election.LeaderAsync());

        // 1. the first campaign leads at once; the next two wait, in order
        var first = await election.CampaignAsync(s1, "one").WaitAsync(Patience);
        var second = election.CampaignAsync(s2, "two");
        await Eventually.Until(() => client.CountAsync(election.Prefix), n => n == 2, Patience, "the second candidate's key");
        var third = election.CampaignAsync(s3, "three");
        await Eventually.Until(() => client.CountAsync(election.Prefix), n => n == 3, Patience, "the third candidate's key");
        Assert.Equal(("one", s1.SessionId, first.CreateVersion), Leader(await election.LeaderAsync()));

        // 2. campaigning again with the leading session keeps its place and announces the new value
        var again = await election.CampaignAsync(s1, "one again").WaitAsync(Patience);
        Assert.Equal(first.CreateVersion, again.CreateVersion);
        Assert.Equal("one again", (await election.LeaderAsync())!.Value);

        // 3. each resign hands the lead to the next in campaign order
        Assert.True(await again.ResignAsync());
        Assert.True(again.Lost.IsCancellationRequested);
        var secondLeads = await second.WaitAsync(Patience);
        Assert.Equal(s2.SessionId, secondLeads.SessionId);
        Assert.False(third.IsCompleted);
        Assert.True(await election.ResignAsync(s2));
        Assert.Equal("three", (await third.WaitAsync(Patience)).Value);
        Assert.False(await secondLeads.ResignAsync()); // already gone
    }

    [Fact]
    public async Task A_cancelled_campaign_withdraws_its_key_and_observe_yields_each_new_leader_once()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        using var patience = new CancellationTokenSource(Patience);
        await using var s1 = await client.StartSessionAsync(Ttl);
        await using var s2 = await client.StartSessionAsync(Ttl);
        var election = client.Election("web");
        var leaders = new List<string>();
        var observing = Task.Run(async () =>
        {
            await foreach (var leader in election.ObserveAsync(patience.Token))
            {
                lock (leaders) leaders.Add(leader.Value);
            }
        });

        var lead = await election.CampaignAsync(s1, "a").WaitAsync(Patience);
        await Eventually.Until(() => Task.FromResult(Snapshot(leaders)), l => l.Length == 1, Patience, "the first leader observed");
        using var giveUp = new CancellationTokenSource();
        var waiting = election.CampaignAsync(s2, "b", giveUp.Token);
        await Eventually.Until(() => client.CountAsync(election.Prefix), n => n == 2, Patience, "the waiting candidate's key");
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, await client.CountAsync(election.Prefix));

        // The leader's new value is observed; then a new candidate takes over when the leader resigns.
        Assert.True(await lead.ProclaimAsync("a2"));
        var next = election.CampaignAsync(s2, "b", patience.Token);
        await Eventually.Until(() => client.CountAsync(election.Prefix), n => n == 2, Patience, "the new candidate's key");
        Assert.True(await lead.ResignAsync());
        Assert.Equal("b", (await next.WaitAsync(Patience)).Value);
        await Eventually.Until(() => Task.FromResult(Snapshot(leaders)), l => l.Length == 3, Patience, "three leaders observed");
        Assert.Equal(["a", "a2", "b"], Snapshot(leaders));
        await patience.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => observing);
    }

    [Fact]
    public async Task Registered_instances_are_listed_and_leave_with_their_session_or_by_deregistering()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        var registry = client.ServiceRegistry("db");
        await using var s1 = await client.StartSessionAsync(Ttl);
        var s2 = await client.StartSessionAsync(Ttl);

        await registry.RegisterAsync(s1, "b", "10.0.0.2:5432");
        await registry.RegisterAsync(s2, "a", "10.0.0.1:5432");
        await registry.RegisterAsync(s1, "c", "10.0.0.3:5432");
        Assert.Equal(["a 10.0.0.1:5432", "b 10.0.0.2:5432", "c 10.0.0.3:5432"], (await registry.ListAsync()).Select(x => $"{x.InstanceId} {x.Endpoint}"));

        await s2.DisposeAsync();
        Assert.Equal(["b", "c"], (await registry.ListAsync()).Select(x => x.InstanceId));
        Assert.True(await registry.DeregisterAsync("c"));
        Assert.False(await registry.DeregisterAsync("c"));
        Assert.Equal(["b"], (await registry.ListAsync()).Select(x => x.InstanceId));
        Assert.Empty(await client.ServiceRegistry("other").ListAsync());
    }

    [Fact]
    public async Task A_barrier_opens_for_its_count_and_a_participant_whose_session_ended_no_longer_counts()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        using var patience = new CancellationTokenSource(Patience);
        var barrier = client.Barrier("go", 2);
        var quitter = await client.StartSessionAsync(Ttl);
        await using var s1 = await client.StartSessionAsync(Ttl);
        await using var s2 = await client.StartSessionAsync(Ttl);

        // 1. one enters and leaves (its session ends): the barrier stays shut
        var gone = barrier.EnterAsync(quitter, patience.Token);
        await Eventually.Until(() => client.CountAsync(barrier.ParticipantsPrefix), n => n == 1, Patience, "the first participant");
        await quitter.DisposeAsync();
        await Assert.ThrowsAsync<SessionLostException>(() => gone.WaitAsync(Patience));
        Assert.Equal(0, await client.CountAsync(barrier.ParticipantsPrefix));
        Assert.False(await barrier.IsOpenAsync());

        // 2. two live participants open it; the marker says how many
        var one = barrier.EnterAsync(s1, patience.Token);
        await Eventually.Until(() => client.CountAsync(barrier.ParticipantsPrefix), n => n == 1, Patience, "one participant");
        Assert.False(one.IsCompleted);
        Assert.False(await barrier.IsOpenAsync());
        await barrier.EnterAsync(s2, patience.Token).WaitAsync(Patience);
        await one.WaitAsync(Patience);
        Assert.True(await barrier.IsOpenAsync());

        // 3. reset clears it for the next round
        Assert.True(await barrier.ResetAsync() >= 1);
        Assert.False(await barrier.IsOpenAsync());
    }

    private static (string, string?, long) Leader(Contracts.KvGetResponse? leader) =>
        leader is null ? ("", null, 0) : (leader.Value, leader.SessionId, leader.CreateVersion);

    private static string[] Snapshot(List<string> list)
    {
        lock (list) return [.. list];
    }
}
