namespace DistSync.Node.Tests.Security;

/// <summary>Tests only: the lines of a node's audit log, read while the node still writes it.</summary>
internal static class AuditLines
{
    public static string FileOf(DistSync.Node.Hosting.DistSyncNode node) => Path.Combine(node.Settings.DataDir, "audit", "audit.jsonl");

    public static string[] Read(string file)
    {
        if (!File.Exists(file)) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
