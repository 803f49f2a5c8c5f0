using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>Wraps every journal engine a plugin opens in a <see cref="HeldJournal"/> and keeps them for the spec
/// (handed to the TestKit's setup before the spec object exists, hence this holder).</summary>
public sealed class HeldJournals
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly List<HeldJournal> _opened = new();
    private readonly TaskCompletionSource _firstOpened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IJournal Wrap(IJournal engine)
    {
        var held = new HeldJournal(engine);
        lock (_opened) _opened.Add(held);
        _firstOpened.TrySetResult();
        return held;
    }

    /// <summary>The engine of the running plugin actor; waits for the plugin to start (auto-start is asynchronous, and
    /// runs once Akka.Persistence is loaded: call <c>PersistencePlugins.Start</c> first).</summary>
    public HeldJournal Current
    {
        get
        {
            if (!_firstOpened.Task.Wait(Generous)) throw new TimeoutException("the journal plugin did not open an engine");
            lock (_opened) return _opened[^1];
        }
    }
}
