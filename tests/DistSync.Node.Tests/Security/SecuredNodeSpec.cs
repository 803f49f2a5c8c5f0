using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DistSync.Security;
using Microsoft.IdentityModel.Tokens;

namespace DistSync.Node.Tests.Security;

/// <summary>
/// A node with <c>dsync.security.enabled = on</c>, one spec per rejection of issue 19: no token, a forged token, an
/// expired token, a wrong role, a resource outside the token's prefix; and what the right token may do, what the
/// audit log and the metrics say about both.
/// </summary>
public sealed class SecuredNodeSpec(SecuredNodeFixture node) : IClassFixture<SecuredNodeFixture>
{
    private readonly SymmetricSecurityKey key = node.Key;
    private readonly HttpClient http = node.Http;
    private InProcessCluster Cluster => node.Cluster;

    private string Token(AccessRole role, string? prefix = null, TimeSpan? lifetime = null, DateTime? now = null, SymmetricSecurityKey? signedWith = null,
        string? subject = null) =>
        ClientTokens.Issue(signedWith ?? key, subject ?? "spec-" + AccessRoles.Name(role), role, prefix, lifetime ?? TimeSpan.FromHours(1), now ?? DateTime.UtcNow);

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string Detail(string body) => JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;

    [Fact]
    public async Task A_request_without_a_token_is_a_401_naming_the_missing_header_but_health_stays_open()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Put, "/kv/app/a", null, """{"value":"v"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("Bearer", Detail(body), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/status", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/health", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/metrics", null)).Status);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_a_401_bad_signature()
    {
        var otherKey = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/status", Token(AccessRole.Admin, signedWith: otherKey));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("not signed with this cluster's key", Detail(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_token_and_a_garbage_token_are_401s()
    {
        // the payload of a reader token rewritten to say admin, the signature kept
        var reader = Token(AccessRole.Reader).Split('.');
        var payload = Base64UrlEncoder.Decode(reader[1]).Replace("\"reader\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{reader[0]}.{Base64UrlEncoder.Encode(payload)}.{reader[2]}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "/cluster/leave", forged)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/status", "not-a-jwt")).Status);
        // "alg": "none" with no signature
        var none = $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{reader[1]}.";
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/status", none)).Status);
    }

    [Fact]
    public async Task An_expired_token_is_a_401_saying_it_expired()
    {
        var expired = Token(AccessRole.Writer, lifetime: TimeSpan.FromMinutes(5), now: DateTime.UtcNow - TimeSpan.FromHours(2));
        var (status, body, _) = await SendAsync(HttpMethod.Get, "/status", expired);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("expired", Detail(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_may_read_but_not_write_and_a_writer_may_not_change_the_cluster()
    {
        var writer = Token(AccessRole.Writer);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, "/kv/app/a", writer, """{"value":"v"}""")).Status);
        var reader = Token(AccessRole.Reader);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/kv/app/a", reader)).Status);
        var (status, body, _) = await SendAsync(HttpMethod.Put, "/kv/app/a", reader, """{"value":"w"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("needs writer", Detail(body), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/raft/transfer-leader/n1", writer)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/session", reader, """{"ttlMs":5000}""")).Status);
        // the write the reader tried did not happen
        var (_, value, _) = await SendAsync(HttpMethod.Get, "/kv/app/a", reader);
        Assert.Equal("v", JsonDocument.Parse(value).RootElement.GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_resource_outside_the_tokens_prefix_is_a_403_and_inside_it_works()
    {
        var admin = Token(AccessRole.Admin);
        var (_, created, _) = await SendAsync(HttpMethod.Post, "/session", admin, """{"ttlMs":30000}""");
        var sessionId = JsonDocument.Parse(created).RootElement.GetProperty("sessionId").GetString();
        var scoped = Token(AccessRole.Writer, prefix: "app/");

        var inside = await SendAsync(HttpMethod.Post, "/lock/acquire", scoped, $$"""{"resource":"app/r","sessionId":"{{sessionId}}","mode":"exclusive"}""");
        Assert.Equal(HttpStatusCode.OK, inside.Status);
        var outside = await SendAsync(HttpMethod.Post, "/lock/acquire", scoped, $$"""{"resource":"billing/r","sessionId":"{{sessionId}}","mode":"exclusive"}""");
        Assert.Equal(HttpStatusCode.Forbidden, outside.Status);
        Assert.Contains("'billing/r' is outside the token's prefix 'app/'", Detail(outside.Body), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, "/kv/other", scoped, """{"value":"v"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/kv", scoped)).Status); // every key
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/kv?prefix=app/", scoped)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/lock/list", scoped)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/queue/produce", scoped, """{"queue":"jobs","payload":"x"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "/lock/acquire", scoped, "{not json")).Status);
        // the lock outside the prefix was never granted
        var status = await SendAsync(HttpMethod.Get, "/lock/status/billing/r", admin);
        Assert.Equal("none", JsonDocument.Parse(status.Body).RootElement.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task An_oversized_body_from_a_prefixed_token_is_a_413_and_a_reader_cannot_write_a_key_named_like_a_route()
    {
        var scoped = Token(AccessRole.Writer, prefix: "app/");
        var big = $$"""{"queue":"app/q","payload":"{{new string('x', 2 * 1024 * 1024)}}"}""";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SendAsync(HttpMethod.Post, "/queue/produce", scoped, big)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Put, "/kv/watch", Token(AccessRole.Reader), """{"value":"v"}""")).Status);
    }

    [Fact]
    public async Task Refusals_and_lock_grants_are_audited_and_refusals_are_counted()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/status", null)).Status);
        var admin = Token(AccessRole.Admin);
        var (_, created, _) = await SendAsync(HttpMethod.Post, "/session", admin, """{"ttlMs":30000}""");
        var sessionId = JsonDocument.Parse(created).RootElement.GetProperty("sessionId").GetString();
        Assert.Equal(HttpStatusCode.OK,
            (await SendAsync(HttpMethod.Post, "/lock/acquire", admin, $$"""{"resource":"audited/r","sessionId":"{{sessionId}}","mode":"exclusive"}""")).Status);

        var file = AuditLines.FileOf(Cluster.Nodes[0]);
        var lines = await Eventually.Until(
            () => Task.FromResult(AuditLines.Read(file)),
            l => l.Any(x => x.Contains("\"lock.acquire\"", StringComparison.Ordinal)) && l.Any(x => x.Contains("\"missing-token\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the audit lines of the refusal and the grant");
        using var grant = JsonDocument.Parse(lines.First(x => x.Contains("\"lock.acquire\"", StringComparison.Ordinal)));
        Assert.Equal("spec-admin", grant.RootElement.GetProperty("principal").GetString());
        Assert.Equal("audited/r", grant.RootElement.GetProperty("resource").GetString());
        Assert.Equal("allowed", grant.RootElement.GetProperty("outcome").GetString());
        using var refusal = JsonDocument.Parse(lines.First(x => x.Contains("\"missing-token\"", StringComparison.Ordinal)));
        Assert.Equal("denied", refusal.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(401, refusal.RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain(lines, l => l.Contains(admin, StringComparison.Ordinal)); // no secret in the log

        var metrics = (await SendAsync(HttpMethod.Get, "/metrics", null)).Body;
        Assert.Contains("dsync_security_denied_total{reason=\"missing-token\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_creates_sessions_faster_than_its_rate_gets_429s_with_retry_after_and_others_do_not()
    {
        // the fixture allows 5 creations per second per client, bursts of 10
        var flooding = Token(AccessRole.Writer, subject: "spec-flood");
        // sent at once, so they arrive within the bucket's first second however slow a commit is under load
        var sent = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => SendAsync(HttpMethod.Post, "/session", flooding, """{"ttlMs":5000}""")));
        var statuses = sent.Select(r => r.Status).ToList();
        var limited = sent.Select(r => r.Response).FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains(HttpStatusCode.Created, statuses);
        Assert.NotNull(limited);
        Assert.True(limited!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Created), 10, 25);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/session", Token(AccessRole.Writer, subject: "spec-quiet"), """{"ttlMs":5000}""")).Status);
    }
}
