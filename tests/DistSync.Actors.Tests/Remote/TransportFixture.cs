using System.Net;
using System.Net.Sockets;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;
using DistSync.Actors.Remote.Transport;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Starts transports on free loopback ports with test message types registered.</summary>
internal static class TransportFixture
{
    public const uint StringValueTypeId = 60001;
    public const uint Int64ValueTypeId = 60002;

    public static RemoteSettings FastSettings => new()
    {
        Host = "127.0.0.1",
        Port = 0,
        MaxFrameSize = 64 * 1024,
        BackoffMin = TimeSpan.FromMilliseconds(20),
        BackoffMax = TimeSpan.FromMilliseconds(200),
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        BackoffSeed = 42,
    };

    public static MessageTypeRegistry CreateRegistry()
    {
        var registry = MessageTypeRegistry.CreateWithControlMessages();
        registry.Register(StringValueTypeId, StringValue.Parser);
        registry.Register(Int64ValueTypeId, Int64Value.Parser);
        return registry;
    }

    public static async Task<(RemoteTransport Transport, RecordingInboundHandler Handler)> StartAsync(
        string system,
        CapturingLogSink? log = null,
        RemoteSettings? settings = null,
        FaultInjector? faults = null)
    {
        var transport = new RemoteTransport(system, settings ?? FastSettings, CreateRegistry(), (log ?? new CapturingLogSink()).CreateLogger(), faults);
        var handler = new RecordingInboundHandler();
        await transport.StartAsync(handler);
        return (transport, handler);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
