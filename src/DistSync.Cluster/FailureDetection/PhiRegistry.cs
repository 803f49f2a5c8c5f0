using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;

namespace DistSync.Cluster.FailureDetection;

/// <summary>
/// Per actor system, the phi of every address Akka.Cluster's heartbeat detector monitors (filled by
/// <see cref="ObservablePhiAccrualFailureDetector"/>). Keyed by the system's event stream, the one object a failure
/// detector is given, so several systems in one process (in-process clusters) never mix their views. An entry stays
/// while Akka monitors the address, i.e. until the member is removed; the member directory then calls
/// <see cref="Remove"/>. Thread-safe; reads are lock-free.
/// </summary>
public sealed class PhiRegistry
{
    private static readonly ConditionalWeakTable<EventStream, PhiRegistry> Registries = new();

    private readonly ConcurrentDictionary<Address, ObservablePhiAccrualFailureDetector> detectors = new();

    public static PhiRegistry For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return For(system.EventStream);
    }

    public static PhiRegistry For(EventStream eventStream)
    {
        ArgumentNullException.ThrowIfNull(eventStream);
        return Registries.GetValue(eventStream, _ => new PhiRegistry());
    }

    /// <summary>The addresses monitored now.</summary>
    public IReadOnlyCollection<Address> Addresses => [.. detectors.Keys];

    /// <summary>Phi of <paramref name="address"/> now, or null when no heartbeat from it was ever recorded. May be
    /// +infinity after a long silence: JSON writers must clamp it.</summary>
    public double? PhiOf(Address address) => detectors.TryGetValue(address, out var detector) ? detector.Phi : null;

    /// <summary>Forgets an address (its member was removed). A detector created later for it registers again.</summary>
    public bool Remove(Address address) => detectors.TryRemove(address, out _);

    /// <summary>A newer detector for the same address (a new incarnation) replaces the old one.</summary>
    internal void Register(Address address, ObservablePhiAccrualFailureDetector detector) => detectors[address] = detector;
}
