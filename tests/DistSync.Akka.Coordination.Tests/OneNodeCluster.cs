namespace DistSync.Akka.Coordination.Tests;

/// <summary>Tests only: one DistSync node with a leader, shared by the specs of a class.</summary>
public sealed class OneNodeCluster : IAsyncLifetime
{
    private LocalNodes? _nodes;

    public string Endpoint => _nodes!.Address(0);

    public async Task InitializeAsync()
    {
        _nodes = await LocalNodes.StartAsync(1);
        await _nodes.WaitForLeaderAsync();
    }

    public async Task DisposeAsync()
    {
        if (_nodes is not null) await _nodes.DisposeAsync();
    }
}
