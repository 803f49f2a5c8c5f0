using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace DistSync.Node.Tests.Dashboard;

/// <summary>
/// The dashboard's files over plain HTTP: every node serves the page and every file it references (the HTML's links,
/// the modules' imports) from its assembly, with the content type a browser needs to run a module, the same ETag on
/// every node (it is the bytes' hash), no-cache, and a 304 for a matching If-None-Match.
/// </summary>
public partial class DashboardAssetsSpec
{
    [Fact]
    public async Task Every_node_serves_the_page_and_its_files_with_content_types_etags_and_no_cache()
    {
        // 1. three nodes
        await using var cluster = await InProcessCluster.StartAsync(3);
        var etags = new Dictionary<string, HashSet<string>>();
        foreach (var node in cluster.Nodes)
        {
            using var http = new HttpClient { BaseAddress = node.HttpAddress };

            // 2. the page
            var page = await GetAsync(http, "/", "text/html; charset=utf-8");
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<title>DistSync</title>", html);
            foreach (var name in new[] { "members", "raft", "locks", "queues", "cache", "broadcast", "charts" }) Assert.Contains($"data-panel=\"{name}\"", html);

            // 3. every file the page names, and every module those import, transitively
            var pending = new Queue<string>(Referenced(html));
            var seen = new HashSet<string>(StringComparer.Ordinal) { "/" };
            Remember(etags, "/", page);
            while (pending.TryDequeue(out var path))
            {
                if (!seen.Add(path)) continue;
                var response = await GetAsync(http, path, ContentTypeOf(path));
                Remember(etags, path, response);
                if (path.EndsWith(".js", StringComparison.Ordinal))
                {
                    foreach (var import in Imports(await response.Content.ReadAsStringAsync())) pending.Enqueue(import);
                }
            }
            Assert.Superset(new HashSet<string> { "/dashboard/app.js", "/dashboard/dashboard.css", "/dashboard/panels.js", "/dashboard/prom.js", "/dashboard/svg.js", "/dashboard/xxhash64.js" }, seen);

            // 4. a revalidation with the tag is a 304; an unknown file a 404 problem
            using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
            again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etags["/dashboard/app.js"].Single()));
            Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
            var missing = await http.GetAsync("/dashboard/nope.js");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        }

        // 5. the three nodes tag each file alike
        Assert.All(etags, e => Assert.Single(e.Value));
    }

    [Theory]
    [InlineData("index.html", "text/html; charset=utf-8")]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("dashboard.css", "text/css; charset=utf-8")]
    [InlineData("ring.svg", "image/svg+xml")]
    public void Content_types_follow_the_extension(string file, string expected) =>
        Assert.Equal(expected, DistSync.Node.Http.DashboardRoutes.ContentTypeOf(file));

    [Fact]
    public void A_file_of_an_unknown_kind_is_refused_at_start() =>
        Assert.Throws<InvalidOperationException>(() => DistSync.Node.Http.DashboardRoutes.ContentTypeOf("notes.txt"));

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string contentType)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} at {http.BaseAddress}: {(int)response.StatusCode}");
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.NotNull(response.Headers.ETag);
        return response;
    }

    private static void Remember(Dictionary<string, HashSet<string>> etags, string path, HttpResponseMessage response)
    {
        if (!etags.TryGetValue(path, out var set)) etags[path] = set = [];
        set.Add(response.Headers.ETag!.ToString());
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        var other => throw new InvalidOperationException($"the page references {path}, a {other} file this spec does not expect"),
    };

    private static IEnumerable<string> Referenced(string html) => HtmlReference().Matches(html).Select(m => m.Groups[1].Value);

    private static IEnumerable<string> Imports(string js) => ModuleImport().Matches(js).Select(m => "/dashboard/" + m.Groups[1].Value);

    [GeneratedRegex("""(?:href|src)="(/dashboard/[^"]+)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex HtmlReference();

    [GeneratedRegex("""from '\./([^']+)'""")]
    private static partial Regex ModuleImport();
}
