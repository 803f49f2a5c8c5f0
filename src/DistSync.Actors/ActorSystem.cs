using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Serilog;

namespace DistSync.Actors;

/// <summary>
/// A tree of actors: root <c>/</c> with the guardians <c>/user</c> (your actors) and <c>/system</c>
/// (runtime actors), plus <c>/temp</c> for Ask refs and <c>/deadLetters</c>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly ConcurrentDictionary<string, IActorRef> _temp = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Address _localAddress;
    private long _nextTempId;
    private int _terminateRequested;
    private volatile IRemoteActorRefProvider? _remote;

    private ActorSystem(string name, ActorSystemSettings settings, ILogger log)
    {
        Name = name;
        Settings = settings;
        Log = log;
        _localAddress = new Address(Address.DefaultProtocol, name);
        Address = _localAddress;
        var rootPath = ActorPath.Root(_localAddress);
        TempPath = rootPath.Child("temp");
        EventStream = new EventStream();
        DeadLetterRef = new DeadLetterActorRef(this, rootPath.Child("deadLetters"));
        _root = new ActorCell(this, Props.Create(static () => new GuardianActor())
            .WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy), null, rootPath);
        _root.Start();
        _userGuardian = ((LocalActorRef)_root.CreateChild(Props.Create(static () => new GuardianActor()), "user")).Cell;
        _systemGuardian = ((LocalActorRef)_root.CreateChild(Props.Create(static () => new GuardianActor()), "system")).Cell;
    }

    /// <summary>
    /// Creates a system. Settings come from section <c>dsync:actors</c> of <paramref name="configuration"/>
    /// (defaults when absent, see hocon/actors.conf). Without <paramref name="logger"/> a logger is made by
    /// <see cref="DistSyncLogging.CreateLogger"/> with the system name as node id and <c>dsync.log</c> settings (format, level).
    /// </summary>
    public static ActorSystem Create(string name, IConfiguration? configuration = null, ILogger? logger = null)
    {
        ValidateSystemName(name);
        var settings = ActorSystemSettings.FromConfiguration(configuration);
        logger ??= DistSyncLogging.CreateLogger(name, settings.LogFormat, settings.LogLevel);
        return new ActorSystem(name, settings, logger);
    }

    public string Name { get; }

    public ActorSystemSettings Settings { get; }

    /// <summary><c>dsync://name</c>, or <c>dsync://name@host:port</c> after <see cref="UseRemoting"/>.</summary>
    public Address Address { get; private set; }

    /// <summary>Logger carrying <c>NodeId</c>.</summary>
    public ILogger Log { get; }

    public EventStream EventStream { get; }

    public IActorRef DeadLetters => DeadLetterRef;

    /// <summary>Messages that could not be delivered since the system started.</summary>
    public long DeadLetterCount => DeadLetterRef.Count;

    /// <summary>Completes when <see cref="Terminate"/> has stopped every actor.</summary>
    public Task WhenTerminated => _terminated.Task;

    public bool IsTerminating => Volatile.Read(ref _terminateRequested) != 0;

    public IRemoteActorRefProvider? RemoteProvider => _remote;

    internal DeadLetterActorRef DeadLetterRef { get; }

    internal ActorPath TempPath { get; }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOf(props, name);

    /// <summary>Creates a runtime actor under <c>/system</c> (remoting, journals, test probes).</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>Stops any actor asynchronously (a system message, ahead of its queued messages).</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is IInternalActorRef internalRef)
        {
            internalRef.Stop();
            return;
        }

        throw new ArgumentException($"Cannot stop {actor.Path}: it is not an actor ref of an actor system.", nameof(actor));
    }

    /// <summary>A path resolved when used: <c>/user/a/b</c>, <c>user/a</c> or a full <c>dsync://...</c> path.</summary>
    public ActorSelection ActorSelection(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new ActorSelection(this, path);
    }

    /// <summary>The live actor at <paramref name="path"/> (relative or full), a remote ref for another system's
    /// address when remoting is on, or null.</summary>
    public IActorRef? TryResolveActorRef(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains("://", StringComparison.Ordinal))
        {
            return ActorPath.TryParse(path, out var full) ? TryResolveActorRef(full!) : null;
        }

        var elements = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return TryResolveLocal(elements);
    }

    public IActorRef? TryResolveActorRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsLocal(path.Address))
        {
            return TryResolveLocal(path.Elements);
        }

        return _remote?.ResolveRemote(path);
    }

    /// <summary>The full path of a ref as another node must see it: local paths get this system's remoting address.</summary>
    public string SerializedPathOf(IActorRef actorRef)
    {
        ArgumentNullException.ThrowIfNull(actorRef);
        var path = actorRef.Path;
        return IsLocal(path.Address) && path.Address != Address ? path.WithAddress(Address).ToString() : path.ToString();
    }

    /// <summary>Installs remoting: from now on <see cref="Address"/> is the provider's address (both it and the
    /// plain local address resolve locally) and other addresses resolve through the provider.</summary>
    public void UseRemoting(IRemoteActorRefProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.LocalAddress.System != Name)
        {
            throw new ArgumentException($"Remoting address {provider.LocalAddress} names system '{provider.LocalAddress.System}', not '{Name}'.", nameof(provider));
        }

        _remote = provider;
        Address = provider.LocalAddress;
    }

    /// <summary>Stops all actors: <c>/user</c> first (children before parents, each PostStop runs), then
    /// <c>/system</c>, then the root; the returned task is <see cref="WhenTerminated"/>.</summary>
    public Task Terminate()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0)
        {
            Log.Debug("Actor system {System} terminating", Name);
            _userGuardian.Self.Stop();
        }

        return WhenTerminated;
    }

    /// <summary>Same as awaiting <see cref="Terminate"/>.</summary>
    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    internal bool IsLocal(Address address) => address == _localAddress || address == Address;

    internal long NextTempId() => Interlocked.Increment(ref _nextTempId);

    internal void RegisterTemp(string name, IActorRef actorRef) => _temp[name] = actorRef;

    internal void UnregisterTemp(string name) => _temp.TryRemove(name, out _);

    /// <summary>Called by the root cell when a guardian has stopped: shut the rest down in order.</summary>
    internal void OnGuardianStopped(ActorCell guardian)
    {
        if (guardian == _userGuardian)
        {
            Interlocked.Exchange(ref _terminateRequested, 1);
            _systemGuardian.Self.Stop();
        }
        else if (guardian == _systemGuardian)
        {
            _root.Self.Stop();
        }
    }

    internal void OnRootStopped()
    {
        _temp.Clear();
        Log.Debug("Actor system {System} terminated", Name);
        _terminated.TrySetResult();
    }

    private IActorRef? TryResolveLocal(IReadOnlyList<string> elements)
    {
        if (elements.Count == 0)
        {
            return _root.Self;
        }

        if (elements.Count == 2 && elements[0] == "temp")
        {
            return _temp.TryGetValue(elements[1], out var temp) ? temp : null;
        }

        if (elements.Count == 1 && elements[0] == "deadLetters")
        {
            return DeadLetterRef;
        }

        var cell = _root;
        for (var i = 0; i < elements.Count; i++)
        {
            cell = cell.ChildCell(elements[i]);
            if (cell is null)
            {
                return null;
            }
        }

        return cell.IsDead ? null : cell.Self;
    }

    private static void ValidateSystemName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!char.IsAsciiLetterOrDigit(name[0]))
        {
            throw new ArgumentException($"Actor system name '{name}' must start with a letter or digit.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                throw new ArgumentException($"Actor system name '{name}' may contain only ASCII letters, digits, '-' and '_'.", nameof(name));
            }
        }
    }

    public override string ToString() => $"ActorSystem({Address})";
}
