using DistSync.Actors.Remote.Faults;

namespace DistSync.Node.Hosting;

/// <summary>In-process extras for <see cref="DistSyncNode.StartAsync"/>; the executable uses none of them.</summary>
public sealed record NodeStartOptions
{
    /// <summary>One injector shared by several in-process nodes, so a test cuts links from one place.</summary>
    public FaultInjector? Faults { get; init; }
}
