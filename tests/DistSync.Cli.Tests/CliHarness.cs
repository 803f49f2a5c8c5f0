using System.Net;
using System.Net.Sockets;

namespace DistSync.Cli.Tests;

/// <summary>What every CLI spec needs: run <c>dsync</c> in-process capturing its output, and a loopback port with
/// nothing listening (an unreachable node).</summary>
internal static class CliHarness
{
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await DsyncCli.RunAsync(args, output, error);
        return (code, output.ToString().Replace("\r", ""), error.ToString().Replace("\r", ""));
    }

    public static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
