using System.Net;
using System.Net.Sockets;

namespace DistSync.Node.Tests;

/// <summary>Free loopback ports for nodes under test (bound and released; the OS does not hand them out again at once).</summary>
internal static class TestPorts
{
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static int[] Free(int count)
    {
        // Hold every listener until all are chosen, so the ports are distinct.
        var listeners = new List<TcpListener>();
        for (var i = 0; i < count; i++)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            listeners.Add(l);
        }
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }
}
