using DistSync.Actors.Remote.FailureDetection;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;

namespace DistSync.Actors.Remote;

/// <summary>
/// Programmatic overrides for <see cref="RemoteActorRefProvider.StartAsync"/>; anything left null comes
/// from configuration (sections <c>dsync:remote</c> and <c>dsync:failure-detector</c>) or defaults.
/// </summary>
public sealed record RemotingOptions
{
    public RemoteSettings? Remote { get; init; }

    public FailureDetectorSettings? FailureDetector { get; init; }

    /// <summary>The message types this node can send and receive; modules register theirs before start.</summary>
    public MessageTypeRegistry? Registry { get; init; }

    /// <summary>Share one injector between the systems of a test to cut links from one place.</summary>
    public FaultInjector? Faults { get; init; }

    /// <summary>Monotonic milliseconds for the failure detectors (tests).</summary>
    public Func<long>? ClockMs { get; init; }

    /// <summary>Peers to heartbeat from the start (seed nodes).</summary>
    public IReadOnlyList<Address> MonitoredPeers { get; init; } = [];
}
