using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace DistSync.Node.Http;

/// <summary>
/// The dashboard (API.md <c>GET /</c>): the static files of <c>Dashboard/</c>, embedded in this assembly so a node
/// serves them from any working directory; <c>/</c> is <c>index.html</c>, the rest is <c>/dashboard/{file}</c>.
/// Every answer has a strong ETag of its bytes and <c>Cache-Control: no-cache</c>: a browser revalidates (304) on
/// each load, so after an upgrade it never runs yesterday's script against today's JSON.
/// </summary>
public static class DashboardRoutes
{
    /// <summary>The logical name prefix given to the files in the csproj (EmbeddedResource LogicalName).</summary>
    public const string ResourcePrefix = "dashboard/";

    public static void Map(WebApplication web)
    {
        var files = Load(typeof(DashboardRoutes).Assembly);
        if (!files.TryGetValue("index.html", out var index)) throw new InvalidOperationException("the dashboard's index.html is not embedded in the assembly");
        web.MapGet("/", (HttpContext ctx) => Serve(ctx, index));
        web.MapGet("/dashboard/{file}", (HttpContext ctx, string file) =>
            files.TryGetValue(file, out var found) ? Serve(ctx, found) : Problems.NotFound($"no dashboard file '{file}'"));
    }

    /// <summary>The content type of a dashboard file by its extension; an unknown one fails the node at start, not a browser later.</summary>
    public static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        var other => throw new InvalidOperationException($"dashboard file '{file}': no content type known for '{other}'"),
    };

    private static IResult Serve(HttpContext ctx, DashboardFile file)
    {
        ctx.Response.Headers.CacheControl = "no-cache";
        // Results.Bytes answers If-None-Match with 304 itself when the tag matches.
        return Results.Bytes(file.Bytes, file.ContentType, entityTag: file.ETag);
    }

    private static FrozenDictionary<string, DashboardFile> Load(Assembly assembly)
    {
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var file = name[ResourcePrefix.Length..];
            var tag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"");
            files[file] = new DashboardFile(bytes, ContentTypeOf(file), tag);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record DashboardFile(byte[] Bytes, string ContentType, EntityTagHeaderValue ETag);
}
