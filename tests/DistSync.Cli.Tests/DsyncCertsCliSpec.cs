using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using DistSync.Cli.Commands;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary><c>dsync certs init|issue</c> and <c>--ca</c> against a node serving HTTPS (issue 19).</summary>
public sealed class DsyncCertsCliSpec : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dsync-cli-tests", Guid.NewGuid().ToString("N"));
    private string Secrets => Path.Combine(dir, "secrets");

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Init_writes_a_CA_whose_key_only_the_owner_reads_and_refuses_to_make_a_second_one()
    {
        var (code, output, _) = await Run("certs", "init", "--dir", Secrets, "--name", "spec", "-o", "json");
        Assert.Equal(0, code);
        var created = JsonSerializer.Deserialize<CertsCommands.CreatedCa>(output, DistSync.Client.DistSyncJson.Options)!;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(created.Certificate);
        Assert.Contains("CN=spec cluster CA", ca.Subject, StringComparison.Ordinal);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(created.Key));
        var before = await File.ReadAllTextAsync(created.Key);
        var again = await Run("certs", "init", "--dir", Secrets);
        Assert.Equal(ExitCodes.Conflict, again.Code);
        Assert.Contains("exists already", again.Err, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(created.Key));
    }

    [Fact]
    public async Task Issue_signs_a_node_certificate_with_its_names_refuses_a_second_one_and_rotates_with_replace()
    {
        Assert.Equal(ExitCodes.NotFound, (await Run("certs", "issue", "n1", "--dir", Secrets)).Code);
        await Run("certs", "init", "--dir", Secrets);
        var (code, output, _) = await Run("certs", "issue", "n1", "--dir", Secrets, "--dns", "dsync-1.dsync", "--ip", "127.0.0.1", "10.0.0.7", "-o", "json");
        Assert.Equal(0, code);
        var issued = JsonSerializer.Deserialize<CertsCommands.IssuedCertificate>(output, DistSync.Client.DistSyncJson.Options)!;
        using var cert = X509CertificateLoader.LoadCertificateFromFile(issued.Certificate);
        Assert.Equal("CN=n1, O=DistSync", cert.Subject);
        Assert.True(cert.MatchesHostname("dsync-1.dsync"));
        Assert.True(cert.MatchesHostname("10.0.0.7"));
        Assert.Contains("n1", issued.Names);

        var twice = await Run("certs", "issue", "n1", "--dir", Secrets);
        Assert.Equal(ExitCodes.Conflict, twice.Code);
        Assert.Contains("--replace", twice.Err, StringComparison.Ordinal);
        Assert.Equal(0, (await Run("certs", "issue", "n1", "--dir", Secrets, "--replace")).Code);
        using var rotated = X509CertificateLoader.LoadCertificateFromFile(issued.Certificate);
        Assert.NotEqual(cert.SerialNumber, rotated.SerialNumber);
        Assert.Equal(ExitCodes.Usage, (await Run("certs", "issue", "n2", "--dir", Secrets, "--ip", "not-an-ip")).Code);
        Assert.Equal(ExitCodes.Usage, (await Run("certs", "issue", "../evil", "--dir", Secrets)).Code);
    }

    [Fact]
    public async Task Against_an_HTTPS_node_the_CLI_works_with_ca_and_refuses_the_node_with_another_CA()
    {
        await Run("certs", "init", "--dir", Secrets);
        await Run("certs", "issue", "n1", "--dir", Secrets);
        var other = Path.Combine(dir, "other");
        await Run("certs", "init", "--dir", other);
        string F(string name) => Path.Combine(Secrets, name).Replace("\\", "/");
        await using var nodes = await LocalNodes.StartAsync(1,
            $$"""security.tls { https = on, remoting = on, ca-file = "{{F("ca.crt")}}", cert-file = "{{F("n1.crt")}}", key-file = "{{F("n1.key")}}" }""");
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        Assert.Equal(0, (await Run("kv", "put", "tls/a", "1", "--node", node, "--ca", F("ca.crt"))).Code);
        var got = await Run("kv", "get", "tls/a", "--node", node, "--ca", F("ca.crt"));
        Assert.Equal(0, got.Code);
        Assert.Contains("1", got.Out, StringComparison.Ordinal);

        var plain = await Run("kv", "get", "tls/a", "--node", node);
        Assert.NotEqual(0, plain.Code);
        Assert.Contains("HTTPS only", plain.Err, StringComparison.Ordinal);
        var foreign = await Run("kv", "get", "tls/a", "--node", node, "--ca", Path.Combine(other, "ca.crt"));
        Assert.NotEqual(0, foreign.Code);
        Assert.Contains("certificate", foreign.Err, StringComparison.Ordinal);
        var missing = await Run("kv", "get", "tls/a", "--node", node, "--ca", Path.Combine(dir, "nope.crt"));
        Assert.Equal(ExitCodes.Usage, missing.Code);
    }
}
