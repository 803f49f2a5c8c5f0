using Akka.Actor;
using Akka.Actor.Setup;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Engines given to the <c>dsync</c> plugins in code instead of by their HOCON <c>engine</c> key: tests inject a
/// gated or failing <see cref="IJournal"/>, or in-memory engines over a shared <see cref="InMem.InMemStorage"/> that
/// survive a restarted actor system. A factory runs each time its plugin actor starts (again after a restart). A null
/// factory leaves that plugin to its HOCON block.
/// </summary>
public sealed class PersistenceEngineSetup(
    Func<ActorSystem, IJournal>? journal = null,
    Func<ActorSystem, ISnapshotStore>? snapshotStore = null,
    bool disposeEngines = true) : Setup
{
    public Func<ActorSystem, IJournal>? Journal { get; } = journal;

    public Func<ActorSystem, ISnapshotStore>? SnapshotStore { get; } = snapshotStore;

    /// <summary>Whether a plugin disposes the engine its factory returned when the plugin actor stops.</summary>
    public bool DisposeEngines { get; } = disposeEngines;
}
