using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using DistSync.Security;

namespace DistSync.Node.Tests.Security;

/// <summary>
/// Issue 19's transport rejections on three real nodes with <c>dsync.security.tls</c> on: mutual TLS between the
/// nodes carries the cluster, plain HTTP on the HTTPS port and clients that do not trust the cluster CA fail, and
/// remoting peers without TLS or with another CA's certificate are refused, counted and audited while the node
/// keeps serving.
/// </summary>
public sealed class TlsClusterSpec(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private InProcessCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Three_nodes_over_mutual_TLS_elect_one_leader_and_a_write_on_one_is_read_on_another()
    {
        Assert.All(Cluster.Nodes, n => Assert.Equal("https", n.HttpAddress.Scheme));
        Assert.All(Cluster.Nodes, n => Assert.Contains(".ssl.tcp", Akka.Cluster.Cluster.Get(n.System).SelfAddress.Protocol, StringComparison.Ordinal));
        var put = await fixture.Https[0].PutAsJsonAsync("/kv/tls/a", new { value = "over-tls" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var read = await Eventually.Until(() => fixture.Https[2].GetStringAsync("/kv/tls/a"),
            body => body.Contains("over-tls", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the write read on another node");
        Assert.Contains("over-tls", read, StringComparison.Ordinal);
        var status = JsonDocument.Parse(await fixture.Https[1].GetStringAsync("/status")).RootElement;
        Assert.Equal(3, status.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Plain_HTTP_on_the_HTTPS_port_is_a_400_naming_https_and_is_counted_and_audited()
    {
        var node = Cluster.Nodes[0];
        var before = await CounterAsync(0, "plain-http");
        using var plain = new HttpClient { BaseAddress = new UriBuilder(node.HttpAddress) { Scheme = "http" }.Uri, Timeout = TimeSpan.FromSeconds(30) };
        var response = await plain.GetAsync("/health");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("HTTPS only", detail, StringComparison.Ordinal);
        Assert.True(await CounterAsync(0, "plain-http") > before);
        await AuditedAsync(0, "http.plain", "plain HTTP");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Https[0].GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_client_that_trusts_only_the_system_roots_or_another_CA_refuses_the_node()
    {
        var address = Cluster.Nodes[0].HttpAddress;
        using var system = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => system.GetAsync("/health"));
        Assert.IsType<AuthenticationException>(refused.InnerException);
        using var foreign = TlsClusterFixture.TrustingClient(Path.Combine(fixture.Material.Foreign, ClusterCertificateAuthority.CertificateFileName), address);
        refused = await Assert.ThrowsAsync<HttpRequestException>(() => foreign.GetAsync("/health"));
        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task A_remoting_peer_without_TLS_is_refused_counted_and_audited_and_the_node_keeps_serving()
    {
        var before = await CounterAsync(1, "remoting");
        using (var peer = ActorSystem.Create("plain-peer", ConfigurationFactory.ParseString(
                   "akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }\nakka.loglevel = WARNING\nakka.stdout-loglevel = OFF")))
        {
            peer.ActorSelection($"akka.tcp://dsync@127.0.0.1:{Cluster.RemotePorts[1]}/user/anyone").Tell("hello");
            await Eventually.Until(() => CounterAsync(1, "remoting"), n => n > before, TimeSpan.FromSeconds(30), "the refusal counted");
        }
        await AuditedAsync(1, "remoting.handshake", "not a TLS connection");
        await AssertStillServingAsync(1);
    }

    [Fact]
    public async Task A_remoting_peer_with_a_certificate_of_another_CA_is_refused_with_the_reason_and_the_node_keeps_serving()
    {
        var before = await CounterAsync(2, "remoting");
        using var certificate = NodeCertificate.Load(Path.Combine(fixture.Material.Foreign, "n1.crt"), Path.Combine(fixture.Material.Foreign, "n1.key"));
        // the impostor has the same node name and accepts any server: only the node's own check can stop it
        var setup = ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(
                "akka.actor.provider = remote\nakka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = on }\nakka.loglevel = WARNING\nakka.stdout-loglevel = OFF")),
            new DotNettySslSetup(certificate, suppressValidation: true, requireMutualAuthentication: true));
        using (var impostor = ActorSystem.Create("impostor", setup))
        {
            impostor.ActorSelection($"akka.ssl.tcp://dsync@127.0.0.1:{Cluster.RemotePorts[2]}/user/anyone").Tell("hello");
            await Eventually.Until(() => CounterAsync(2, "remoting"), n => n > before, TimeSpan.FromSeconds(30), "the refusal counted");
        }
        await AuditedAsync(2, "remoting.handshake", "does not chain to the cluster CA");
        await AssertStillServingAsync(2);
    }

    private async Task AssertStillServingAsync(int index)
    {
        Assert.False(Cluster.Nodes[index].System.WhenTerminated.IsCompleted);
        var put = await fixture.Https[index].PutAsJsonAsync($"/kv/tls/after-{index}", new { value = "still" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    private async Task<double> CounterAsync(int index, string kind)
    {
        var text = await fixture.Https[index].GetStringAsync("/metrics");
        var prefix = $"dsync_security_tls_refused_total{{kind=\"{kind}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    private async Task AuditedAsync(int index, string action, string reason)
    {
        var file = AuditLines.FileOf(Cluster.Nodes[index]);
        var lines = await Eventually.Until(() => Task.FromResult(AuditLines.Read(file)),
            l => l.Any(x => x.Contains($"\"{action}\"", StringComparison.Ordinal) && x.Contains(reason, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), $"an audit line {action} saying {reason}");
        using var line = JsonDocument.Parse(lines.First(x => x.Contains($"\"{action}\"", StringComparison.Ordinal) && x.Contains(reason, StringComparison.Ordinal)));
        Assert.Equal("denied", line.RootElement.GetProperty("outcome").GetString());
        Assert.Contains("127.0.0.1", line.RootElement.GetProperty("remote").GetString(), StringComparison.Ordinal);
    }
}
