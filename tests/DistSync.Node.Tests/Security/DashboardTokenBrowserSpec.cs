using System.Text.RegularExpressions;
using DistSync.Node.Tests.Dashboard;
using DistSync.Security;
using static Microsoft.Playwright.Assertions;

namespace DistSync.Node.Tests.Security;

/// <summary>The dashboard against a node with security on, in chromium: without a token its panels say how to give
/// one; opened as <c>/#token=...</c> it shows the node, and the token leaves the address bar.</summary>
public sealed class DashboardTokenBrowserSpec(SecuredNodeFixture node) : IClassFixture<SecuredNodeFixture>
{

    [Fact]
    public async Task Without_a_token_the_panels_say_how_to_give_one_and_with_a_reader_token_in_the_fragment_they_render()
    {
        SetDefaultExpectTimeout(60_000);
        var address = node.Cluster.Nodes[0].HttpAddress;
        await using var chromium = await Chromium.LaunchAsync();

        // 1. no token: the members panel shows the 401 and the way to open the page with a token
        var anonymous = await chromium.NewPageAsync();
        await anonymous.GotoAsync(address.ToString());
        await Expect(anonymous.Locator("[data-panel=members] .error")).ToContainTextAsync("401");
        await Expect(anonymous.Locator("[data-panel=members] .error")).ToContainTextAsync("/#token=");

        // 2. a reader token in the fragment: the header names the node, the members render, the address bar is clean
        var reader = ClientTokens.Issue(node.Key, "dashboard", AccessRole.Reader, null, TimeSpan.FromHours(1), DateTime.UtcNow);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(address, "/#token=" + reader).ToString());
        await Expect(page.Locator("#node")).ToHaveTextAsync("n1");
        await Expect(page.Locator("[data-panel=members] tbody tr[data-status=up]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-panel=members] .error")).ToBeHiddenAsync();
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        Assert.Matches(new Regex("/$"), page.Url);
    }
}
