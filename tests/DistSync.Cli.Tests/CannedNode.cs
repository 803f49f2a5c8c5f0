using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DistSync.Cli.Tests;

/// <summary>Tests only: a loopback HTTP node answering "METHOD /raw/path" with a fixed status and JSON body (404 without a body otherwise).</summary>
internal sealed class CannedNode : IAsyncDisposable
{
    private readonly WebApplication _web;

    private CannedNode(WebApplication web) => _web = web;

    public ConcurrentQueue<(string Route, string Body)> RequestLog { get; } = new();

    public IReadOnlyList<(string Route, string Body)> Requests => [.. RequestLog];

    public string Address { get; private set; } = "";

    public static async Task<CannedNode> StartAsync(params (string Route, int Status, string Json)[] answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        var node = new CannedNode(web);
        web.Run(async ctx =>
        {
            var route = $"{ctx.Request.Method} {ctx.Request.Path.ToUriComponent()}";
            using var reader = new StreamReader(ctx.Request.Body);
            node.RequestLog.Enqueue((route, await reader.ReadToEndAsync()));
            var answer = answers.FirstOrDefault(a => a.Route == route);
            if (answer.Route is null)
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            ctx.Response.StatusCode = answer.Status;
            ctx.Response.ContentType = answer.Status >= 400 ? "application/problem+json" : "application/json";
            await ctx.Response.WriteAsync(answer.Json);
        });
        await web.StartAsync();
        var bound = web.Urls.Single(); // the port Kestrel bound for port 0
        node.Address = new Uri(bound).Authority;
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync();
        await _web.DisposeAsync();
    }
}
