using System.Net;

namespace DistSync.Client.Tests;

/// <summary>
/// Tests only: creates a key exactly once across a failover. A create (expected version 0) whose answer was lost is
/// retried; a retry that finds the key already there (409) learns the version the first try wrote.
/// </summary>
internal static class KvWriteOnce
{
    public static async Task<long> CreateAsync(DistSyncClient client, string key, string value, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return (await client.PutAsync(key, value, expectedVersion: 0, ct)).Version;
            }
            catch (VersionMismatchException)
            {
                var written = await client.GetAsync(key, ct: ct) ?? throw new InvalidOperationException($"'{key}' was refused as existing but is not there");
                Assert.Equal(value, written.Value);
                return written.Version;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException { StatusCode: HttpStatusCode.ServiceUnavailable })
            {
                await Task.Delay(200, ct);
            }
        }
    }
}
