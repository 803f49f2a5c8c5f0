using DistSync.Security;
using Microsoft.IdentityModel.Tokens;

namespace DistSync.Node.Tests.Security;

/// <summary>One single-node cluster with security on and its signing key, shared by <see cref="SecuredNodeSpec"/>.</summary>
public sealed class SecuredNodeFixture : IAsyncLifetime
{
    private readonly string keyFile = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"), "token.key");

    internal InProcessCluster Cluster { get; private set; } = null!;
    public SymmetricSecurityKey Key { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ClusterSigningKey.Create(keyFile);
        Key = ClusterSigningKey.Load(keyFile);
        Cluster = await InProcessCluster.StartAsync(1, extra: $$"""security { enabled = on, token-key-file = "{{keyFile.Replace("\\", "/")}}", metrics-open = on, rate-limits.session-creates-per-second = 5 }""");
        await Cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(60));
        Http = new HttpClient { BaseAddress = Cluster.Nodes[0].HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Cluster.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(keyFile)!, recursive: true);
    }
}
