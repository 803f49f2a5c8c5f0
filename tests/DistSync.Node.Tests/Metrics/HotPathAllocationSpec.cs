using DistSync.Node.Metrics;

namespace DistSync.Node.Tests.Metrics;

/// <summary>Recording on the paths every message or request takes allocates nothing once a series exists (the Raft
/// actors call these per proposal and per persisted Ready; the HTTP middleware per request).</summary>
public class HotPathAllocationSpec
{
    [Fact]
    public void Raft_figures_of_a_known_group_are_recorded_without_allocating()
    {
        var raft = new NodeMetrics().Raft;
        Record(raft); // creates the group's series
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) Record(raft);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Record(RaftMetrics m)
        {
            m.Proposed(3);
            m.LeaderChanged(3);
            m.Persisted(3, 17, TimeSpan.FromMilliseconds(2));
            m.Committed(3, TimeSpan.FromMilliseconds(3));
        }
    }

    [Fact]
    public void An_http_request_of_a_known_route_is_recorded_without_allocating()
    {
        var http = new NodeMetrics().Http;
        http.Observe("POST", "/lock/acquire", 200, TimeSpan.FromMilliseconds(1));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) http.Observe("POST", "/lock/acquire", 200, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task What_is_recorded_shows_in_the_exposition()
    {
        var metrics = new NodeMetrics();
        metrics.Raft.Proposed(3);
        metrics.Raft.Persisted(3, 17, TimeSpan.FromMilliseconds(2));
        metrics.Http.Observe("GET", "/status", 200, TimeSpan.FromMilliseconds(1));
        var families = Exposition.Parse(await metrics.RenderAsync());
        Assert.Equal(1, Exposition.Value(families, "dsync_raft_proposals_total", ("group", "3")));
        Assert.Equal(17, Exposition.Value(families, "dsync_raft_batch_entries_sum", ("group", "3")));
        Assert.Equal(1, Exposition.Value(families, "dsync_http_requests_total", ("method", "GET"), ("route", "/status"), ("status", "200")));
    }
}
