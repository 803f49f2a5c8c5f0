using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Wire;
using Google.Protobuf;
using Serilog;

namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// TCP remoting transport of one actor system: a listener for inbound associations and one outbound
/// <see cref="Association"/> per peer address, created on first send. Knows nothing about actors: decoded
/// traffic goes to an <see cref="IRemoteInboundHandler"/>.
/// </summary>
public sealed class RemoteTransport : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Address, Association> _associations = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Random _backoffRandom;
    private Socket? _listener;
    private Task? _acceptLoop;
    private IRemoteInboundHandler? _handler;
    private int _disposed;

    public RemoteTransport(
        string systemName,
        RemoteSettings settings,
        MessageTypeRegistry registry,
        ILogger log,
        FaultInjector? faults = null,
        ulong? uid = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(systemName);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        SystemName = systemName;
        Settings = settings;
        Registry = registry ?? throw new ArgumentNullException(nameof(registry));
        RemoteControlTypeIds.RegisterAll(registry);
        Log = log ?? throw new ArgumentNullException(nameof(log));
        Faults = faults ?? new FaultInjector();
        Uid = uid ?? (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        _backoffRandom = new Random(settings.BackoffSeed != 0 ? settings.BackoffSeed : (int)(Uid ^ (Uid >> 32)));
        LocalAddress = new Address(Address.DefaultProtocol, systemName, settings.Host, settings.Port);
        LocalAddressData = ToAddressData(LocalAddress);
    }

    public string SystemName { get; }

    public RemoteSettings Settings { get; }

    public MessageTypeRegistry Registry { get; }

    public ILogger Log { get; }

    public FaultInjector Faults { get; }

    public RemoteMetrics Metrics { get; } = new();

    /// <summary>Random id of this incarnation of the system, sent in handshakes.</summary>
    public ulong Uid { get; }

    /// <summary><c>dsync://system@host:port</c>; the port is the bound one once <see cref="StartAsync"/> returned.</summary>
    public Address LocalAddress { get; private set; }

    internal AddressData LocalAddressData { get; private set; }

    internal IRemoteInboundHandler Handler => _handler ?? throw new InvalidOperationException("remote transport has no inbound handler");

    /// <summary>True once <see cref="DisposeAsync"/> began; sends are then dropped.</summary>
    public bool IsShutDown => Volatile.Read(ref _disposed) != 0;

    /// <summary>The peers this node has an outbound association with (connected or reconnecting).</summary>
    public IReadOnlyCollection<Association> Associations => _associations.Values.ToArray();

    /// <summary>Binds the listener (port 0 = any free port) and starts accepting.</summary>
    /// <exception cref="SocketException">the port is in use or the host cannot be bound</exception>
    public Task StartAsync(IRemoteInboundHandler handler)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        var bindAddress = ResolveBindAddress(Settings.Host);
        var listener = new Socket(bindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(bindAddress, Settings.Port));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        LocalAddress = LocalAddress with { Port = port };
        LocalAddressData = ToAddressData(LocalAddress);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        Log.Information("Remoting: listening on {Address}", LocalAddress);
        return Task.CompletedTask;
    }

    /// <summary>The association with <paramref name="peer"/>, created (and connecting) on first use.</summary>
    public Association GetAssociation(Address peer)
    {
        if (_associations.TryGetValue(peer, out var existing))
        {
            return existing;
        }

        if (peer.Host is null || peer.Port is null)
        {
            throw new ArgumentException($"'{peer}' is not a remote address (dsync://system@host:port)", nameof(peer));
        }

        ObjectDisposedException.ThrowIf(IsShutDown, this);
        return _associations.GetOrAdd(peer, p => new Association(this, p, new ReconnectBackoff(Settings.BackoffMin, Settings.BackoffMax, _backoffRandom), _shutdown.Token));
    }

    /// <summary>Queues an envelope to <paramref name="peer"/>; false when its queue was full (counted).</summary>
    public bool Send(Address peer, in OutboundEnvelope envelope) => GetAssociation(peer).TryEnqueue(envelope);

    /// <summary>Queues a control message (no recipient path) to <paramref name="peer"/>.</summary>
    public bool SendControl(Address peer, uint typeId, IMessage message)
    {
        if (IsShutDown)
        {
            return false;
        }

        return GetAssociation(peer).TryEnqueue(new OutboundEnvelope([], null, typeId, message));
    }

    /// <summary>Connects to <paramref name="peer"/> now instead of on the first message.</summary>
    public void Associate(Address peer) => GetAssociation(peer).Start();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        foreach (var connection in _inbound.Keys)
        {
            connection.Close();
        }

        var stops = new List<Task>();
        foreach (var association in _associations.Values)
        {
            stops.Add(association.StopAsync());
        }

        if (_acceptLoop is { } accept)
        {
            stops.Add(accept);
        }

        try
        {
            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Log.Warning("Remoting: shutdown of {Address} did not finish cleanly: {Reason}", LocalAddress, ex.Message);
        }

        _shutdown.Dispose();
    }

    internal void Forget(InboundConnection connection) => _inbound.TryRemove(connection, out _);

    internal static AddressData ToAddressData(Address address) => new()
    {
        System = address.System,
        Host = address.Host ?? "",
        Port = (uint)(address.Port ?? 0),
    };

    internal static Address FromAddressData(AddressData data) =>
        new(Address.DefaultProtocol, data.System, data.Host, (int)data.Port);

    private static IPAddress ResolveBindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = Dns.GetHostAddresses(host);
        foreach (var candidate in addresses)
        {
            if (candidate.AddressFamily == AddressFamily.InterNetwork)
            {
                return candidate;
            }
        }

        return addresses.Length > 0
            ? addresses[0]
            : throw new SocketException((int)SocketError.HostNotFound);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _shutdown.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.Warning("Remoting: accept failed on {Address}: {Reason}", LocalAddress, ex.Message);
                continue;
            }

            socket.NoDelay = true;
            Metrics.InboundConnectionAccepted();
            var connection = new InboundConnection(this, socket);
            _inbound.TryAdd(connection, 0);
            _ = Task.Run(() => connection.RunAsync(token));
        }
    }
}
