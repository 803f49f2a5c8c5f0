using System.Text.Json;
using DistSync.Node.Security;
using DistSync.Security;

namespace DistSync.Node.Tests.Security;

/// <summary>The role table and the prefix checks of issue 19, on their own: each row is a right that must not widen.</summary>
public class AccessPolicySpec
{
    [Theory]
    [InlineData("GET", "/kv/app/a", AccessRole.Reader)]
    [InlineData("PUT", "/kv/app/a", AccessRole.Writer)]
    [InlineData("DELETE", "/kv", AccessRole.Writer)]
    [InlineData("GET", "/kv/watch", AccessRole.Reader)]
    [InlineData("POST", "/kv/txn", AccessRole.Writer)]
    [InlineData("GET", "/status", AccessRole.Reader)]
    [InlineData("GET", "/raft/status", AccessRole.Reader)]
    [InlineData("POST", "/raft/transfer-leader/n2", AccessRole.Admin)]
    [InlineData("POST", "/cluster/down/n3", AccessRole.Admin)]
    [InlineData("POST", "/cluster/leave", AccessRole.Admin)]
    [InlineData("GET", "/admin/faults", AccessRole.Admin)]
    [InlineData("POST", "/admin/faults/block", AccessRole.Admin)]
    [InlineData("POST", "/session", AccessRole.Writer)]
    [InlineData("DELETE", "/session/abc", AccessRole.Writer)]
    [InlineData("POST", "/lock/acquire", AccessRole.Writer)]
    [InlineData("GET", "/lock/status/app/x", AccessRole.Reader)]
    [InlineData("POST", "/queue/consume", AccessRole.Writer)]
    [InlineData("GET", "/queue/stats/jobs", AccessRole.Reader)]
    [InlineData("GET", "/cache/read/k", AccessRole.Reader)]
    [InlineData("POST", "/cache/write", AccessRole.Writer)]
    [InlineData("DELETE", "/cache/invalidate/k", AccessRole.Writer)]
    [InlineData("GET", "/broadcast/subscribe", AccessRole.Reader)]
    [InlineData("POST", "/broadcast/publish", AccessRole.Writer)]
    [InlineData("POST", "/some/route/added/later", AccessRole.Admin)]
    [InlineData("PUT", "/kv/watch", AccessRole.Writer)] // the key "watch", not the watch route
    [InlineData("DELETE", "/kv/watch", AccessRole.Writer)]
    [InlineData("GET", "/kv/txn", AccessRole.Reader)] // the key "txn"
    [InlineData("POST", "/cache/read/k", AccessRole.Writer)]
    public void Each_route_needs_its_role(string method, string path, AccessRole role)
    {
        var access = AccessPolicy.For(method, path, metricsOpen: true);
        Assert.False(access.Open);
        Assert.Equal(role, access.Role);
    }

    [Fact]
    public void Health_and_the_dashboard_page_are_open_and_metrics_is_open_only_when_configured()
    {
        Assert.True(AccessPolicy.For("GET", "/health", metricsOpen: false).Open);
        Assert.True(AccessPolicy.For("GET", "/", metricsOpen: false).Open);
        Assert.True(AccessPolicy.For("GET", "/metrics", metricsOpen: true).Open);
        Assert.False(AccessPolicy.For("GET", "/metrics", metricsOpen: false).Open);
        Assert.False(AccessPolicy.For("POST", "/dashboard/x", metricsOpen: true).Open);
    }

    [Fact]
    public void Lock_grants_releases_session_deletes_and_cluster_changes_are_audited_when_allowed()
    {
        Assert.True(AccessPolicy.For("POST", "/lock/acquire", true).Privileged);
        Assert.True(AccessPolicy.For("POST", "/lock/release", true).Privileged);
        Assert.True(AccessPolicy.For("DELETE", "/session/s1", true).Privileged);
        Assert.True(AccessPolicy.For("POST", "/cluster/down/n2", true).Privileged);
        Assert.True(AccessPolicy.For("POST", "/raft/transfer-leader/n2", true).Privileged);
        Assert.False(AccessPolicy.For("GET", "/kv/a", true).Privileged);
    }

    [Fact]
    public void A_body_is_checked_everywhere_it_names_a_resource_fences_and_txn_keys_included()
    {
        Assert.Null(Uncovered("""{"resource":"app/r","sessionId":"s","mode":"exclusive"}"""));
        Assert.Equal("other", Uncovered("""{"resource":"other"}"""));
        Assert.Equal("jobs", Uncovered("""{"queue":"jobs","payload":"x"}"""));
        Assert.Equal("fence/r", Uncovered("""{"queue":"app/q","payload":"x","fence":{"resource":"fence/r","fencingToken":3}}"""));
        Assert.Equal("b", Uncovered("""{"compare":[{"key":"app/a","version":0}],"success":[{"op":"put","key":"b","value":"v"}]}"""));
        Assert.Equal("tmp/*", Uncovered("""{"success":[{"op":"delete","prefix":"tmp/"}]}"""));
        Assert.Equal("[app/a, b)", Uncovered("""{"success":[{"op":"get","from":"app/a","to":"b"}]}"""));
        Assert.Null(Uncovered("""{"success":[{"op":"get","from":"app/a","to":"app0"}]}"""));
        // a value that merely looks like a key is not a resource
        Assert.Null(Uncovered("""{"topic":"app/t","payload":"{\"key\":\"other\"}"}"""));
    }

    [Fact]
    public void A_query_without_a_key_means_every_key_which_a_prefixed_token_does_not_cover()
    {
        Assert.Equal("(every key)", AccessPolicy.UncoveredInQuery("app/", _ => null));
        Assert.Null(AccessPolicy.UncoveredInQuery("app/", n => n == "prefix" ? "app/x" : null));
        Assert.Equal("a*", AccessPolicy.UncoveredInQuery("app/", n => n == "prefix" ? "a" : null));
        Assert.Equal("[app/, )", AccessPolicy.UncoveredInQuery("app/", n => n == "from" ? "app/" : null));
        Assert.Null(AccessPolicy.UncoveredInQuery("app/", n => n switch { "from" => "app/", "to" => "app0", _ => null }));
        Assert.Equal("chat", AccessPolicy.UncoveredInQuery("app/", n => n == "topic" ? "chat" : null));
    }

    [Fact]
    public void A_prefix_range_ends_at_the_first_key_after_every_key_with_the_prefix()
    {
        Assert.Equal("app0", ResourcePrefix.End("app/"));
        Assert.Equal("b", ResourcePrefix.End("a\uffff"));
        Assert.Equal("", ResourcePrefix.End("\uffff"));
        Assert.True(ResourcePrefix.CoversRange("app/", "app/a", "app/z"));
        Assert.False(ResourcePrefix.CoversRange("app/", "app/a", "app1"));
        Assert.False(ResourcePrefix.CoversRange("app/", "ap", "app/z"));
        Assert.True(ResourcePrefix.CoversRange("", "", ""));
    }

    private static string? Uncovered(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return AccessPolicy.UncoveredInBody("app/", doc.RootElement);
    }
}
