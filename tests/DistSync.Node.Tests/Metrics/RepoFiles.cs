namespace DistSync.Node.Tests.Metrics;

/// <summary>Files of the repository the tests run from (found by walking up to DistSync.sln).</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DistSync.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no DistSync.sln above {AppContext.BaseDirectory}");
    }
}
