using Akka.Configuration;
using Akka.Event;

namespace DistSync.Cluster.FailureDetection;

/// <summary>
/// Akka.Cluster's heartbeat failure detector with its phi made visible. Akka's own detector keeps phi internal, but
/// API.md's <c>/status</c> shows it; so every heartbeat Akka records is also fed to DistSync's detector (same maths,
/// same settings, read from the same config block) and this instance registers itself in the system's
/// <see cref="PhiRegistry"/> under the address it monitors. Availability (what marks a member unreachable) stays
/// Akka's decision; the mirror only reports.
/// </summary>
/// <remarks>
/// Configured as <c>akka.cluster.failure-detector.implementation-class</c> (see <see cref="Hosting.AkkaConfig"/>).
/// Akka's <c>DefaultFailureDetectorRegistry</c> sets <see cref="Akka.Remote.PhiAccrualFailureDetector.Address"/> on
/// a new detector before its first heartbeat, so registration happens lazily on that first heartbeat.
/// </remarks>
public sealed class ObservablePhiAccrualFailureDetector : Akka.Remote.PhiAccrualFailureDetector
{
    /// <summary>The value of <c>akka.cluster.failure-detector.implementation-class</c> that selects this class.</summary>
    public static readonly string ImplementationClass =
        typeof(ObservablePhiAccrualFailureDetector).FullName + ", " + typeof(ObservablePhiAccrualFailureDetector).Assembly.GetName().Name;

    private readonly PhiAccrualFailureDetector mirror;
    private readonly PhiRegistry registry;
    private int registered;

    /// <summary>The constructor Akka's failure detector loader calls, with the detector's config block.</summary>
    public ObservablePhiAccrualFailureDetector(Config config, EventStream eventStream)
        : base(config, eventStream)
    {
        mirror = new PhiAccrualFailureDetector(FailureDetectorSettings.FromAkkaConfig(config));
        registry = PhiRegistry.For(eventStream);
    }

    /// <summary>Phi now, by the mirror: 0 before the first heartbeat, +infinity after a long silence.</summary>
    public double Phi => mirror.Phi;

    public override void HeartBeat()
    {
        base.HeartBeat();
        mirror.Heartbeat();
        if (Volatile.Read(ref registered) == 0 && !string.IsNullOrEmpty(Address) && Interlocked.Exchange(ref registered, 1) == 0)
            registry.Register(Akka.Actor.Address.Parse(Address), this);
    }
}
