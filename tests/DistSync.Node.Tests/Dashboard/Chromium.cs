using Microsoft.Playwright;

namespace DistSync.Node.Tests.Dashboard;

/// <summary>
/// Playwright driving Debian's chromium (<c>/usr/bin/chromium</c>, installed by <c>build.sh test</c>): no browser is
/// downloaded here, and only loopback is reachable, so every background fetch of the browser is switched off. The
/// Playwright driver (node and its package) is the one the NuGet package copies beside the test assembly.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath)) throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install chromium (build.sh test does)");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath, Headless = true, Args = Args, Timeout = 60_000,
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page of the size the dashboard is laid out for, with generous waits (nodes start and elect on 2 shared cores).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>The repository's root (where DistSync.sln is), found upwards from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DistSync.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no DistSync.sln above {AppContext.BaseDirectory}");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
