using DistSync.Actors;
using Microsoft.Extensions.Configuration;

namespace DistSync.TestKit;

/// <summary>
/// Base class for xunit test classes: xunit creates one instance per test, so each test gets a fresh actor
/// system, terminated in <see cref="Dispose"/>.
/// </summary>
public class ActorTestKit : TestKitBase, IDisposable
{
    public ActorTestKit(IConfiguration? configuration = null, string? systemName = null)
        : base(configuration, systemName)
    {
    }

    public ActorTestKit(ActorSystem system)
        : base(system)
    {
    }

    public void Dispose()
    {
        Shutdown();
        GC.SuppressFinalize(this);
    }
}
