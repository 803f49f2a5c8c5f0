using System.CommandLine;
using System.Net;
using DistSync.Security;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync certs init|issue</c>: the cluster's own CA and the node certificates signed by it, for
/// <c>dsync.security.tls.*</c> (HTTPS and mutual TLS between nodes). Offline, on the files in <c>--dir</c>
/// (default <c>data/secrets</c>); nothing is sent to a node.
/// </summary>
public static class CertsCommands
{
    public const string DefaultDirectory = "data/secrets";

    /// <summary>What <c>certs init -o json</c> prints.</summary>
    public sealed record CreatedCa(string Certificate, string Key, DateTimeOffset NotAfter);

    /// <summary>What <c>certs issue -o json</c> prints.</summary>
    public sealed record IssuedCertificate(string Node, string Certificate, string Key, IReadOnlyList<string> Names, DateTimeOffset NotAfter);

    public static Command Build(TextWriter output)
    {
        var certs = new Command("certs", "the cluster CA and node certificates for HTTPS and mutual TLS between nodes (dsync.security.tls)");
        certs.Subcommands.Add(Init(output));
        certs.Subcommands.Add(Issue(output));
        return certs;
    }

    private static Option<string> DirOption() => new("--dir")
    {
        Description = $"where ca.crt, ca.key and the node files are (default {DefaultDirectory})",
        DefaultValueFactory = _ => DefaultDirectory,
    };

    private static Option<int> DaysOption(int days) => new("--days")
    {
        Description = $"validity in days (default {days})",
        DefaultValueFactory = _ => days,
        Validators = { r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--days must be at least 1"); } },
    };

    private static Command Init(TextWriter output)
    {
        var dir = DirOption();
        var name = new Option<string>("--name") { Description = "the cluster's name in the CA's subject (default dsync)", DefaultValueFactory = _ => "dsync" };
        var days = DaysOption(3650);
        var init = new Command("init", "makes the cluster CA (ECDSA P-256): ca.crt for every node and client, ca.key (0600) kept off the nodes") { dir, name, days };
        init.SetAction(async (parse, _) =>
        {
            var folder = parse.GetValue(dir)!;
            try
            {
                using var ca = ClusterCertificateAuthority.Create(folder, parse.GetValue(name)!, TimeSpan.FromDays(parse.GetValue(days)), DateTimeOffset.UtcNow);
                var created = new CreatedCa(Path.GetFullPath(Path.Combine(folder, ClusterCertificateAuthority.CertificateFileName)),
                    Path.GetFullPath(Path.Combine(folder, ClusterCertificateAuthority.KeyFileName)), new DateTimeOffset(ca.Certificate.NotAfter.ToUniversalTime()));
                return await CliOutput.ResultAsync(parse, output, created,
                    o => o.WriteLineAsync($"wrote the cluster CA: {created.Certificate} (give it to every node as dsync.security.tls.ca-file and to clients as --ca) " +
                                          $"and {created.Key} (keep it off the nodes)")).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Conflict, e.Message).ConfigureAwait(false);
            }
        });
        return init;
    }

    private static Command Issue(TextWriter output)
    {
        var dir = DirOption();
        var node = new Argument<string>("node") { Description = "the node's name (its id): <node>.crt and <node>.key are written" };
        var dns = new Option<string[]>("--dns") { Description = "host names peers and clients call the node by (besides the node name and localhost)", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "IP addresses the node is called by (default 127.0.0.1 and ::1)", AllowMultipleArgumentsPerToken = true };
        var days = DaysOption(365);
        var replace = new Option<bool>("--replace") { Description = "replace the node's existing certificate and key (a rotation: restart that node after)" };
        var issue = new Command("issue", "signs a certificate for one node with the cluster CA (server and client authentication)") { node, dir, dns, ip, days, replace };
        issue.SetAction(async (parse, _) =>
        {
            var folder = parse.GetValue(dir)!;
            var name = parse.GetValue(node)!;
            var addresses = new List<IPAddress>();
            foreach (var text in parse.GetValue(ip) is { Length: > 0 } given ? given : ["127.0.0.1", "::1"])
            {
                if (!IPAddress.TryParse(text, out var address)) return await CliOutput.FailAsync(parse, ExitCodes.Usage, $"--ip: '{text}' is not an IP address").ConfigureAwait(false);
                addresses.Add(address);
            }
            string[] names = [name, "localhost", .. parse.GetValue(dns) ?? []];
            try
            {
                using var ca = ClusterCertificateAuthority.Load(folder);
                var certPath = ca.IssueNode(folder, name, names, addresses, TimeSpan.FromDays(parse.GetValue(days)), DateTimeOffset.UtcNow,
                    parse.GetValue(replace));
                using var issued = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certPath);
                var result = new IssuedCertificate(name, Path.GetFullPath(certPath), Path.GetFullPath(Path.Combine(folder, name + ".key")),
                    [.. names.Distinct(StringComparer.OrdinalIgnoreCase), .. addresses.Select(a => a.ToString())], new DateTimeOffset(issued.NotAfter.ToUniversalTime()));
                return await CliOutput.ResultAsync(parse, output, result,
                    o => o.WriteLineAsync($"wrote {result.Certificate} and {result.Key} for {string.Join(", ", result.Names)}, valid until {result.NotAfter:u}; " +
                                          "give them to the node as dsync.security.tls.cert-file and key-file")).ConfigureAwait(false);
            }
            catch (FileNotFoundException e)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.NotFound, e.Message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Conflict, e.Message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                return await CliOutput.FailAsync(parse, ExitCodes.Usage, e.Message).ConfigureAwait(false);
            }
        });
        return issue;
    }
}
