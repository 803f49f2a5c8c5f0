using System.Diagnostics;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;
using static DistSync.Ops.Tests.Deploy.DeployFiles;

namespace DistSync.Ops.Tests.Deploy;

/// <summary>
/// docker/Dockerfile and docker-compose.yml checked against each other and against the node's HOCON, offline (no
/// Docker engine here). <c>./build.sh docker</c> runs the Deploy specs alone.
/// </summary>
public class ComposeLintSpec
{
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    /// <summary>Bind-mounted files written on other branches of issue 15; checked (parsed) once they exist.</summary>
    private static Dictionary<string, object?> Compose() => Yaml("docker-compose.yml");

    private static Dictionary<string, object?> Service(string name) => Map(At(Compose(), "docker-compose.yml", "services", name), name);

    private static string[] Entrypoint() => ExecForm(DockerfileInstructions().Single(i => i.Keyword == "ENTRYPOINT").Args);

    private static IConfiguration NodeConfig(string service) =>
        ResolveNodeConfig(Entrypoint(), Environment(Service(service).GetValueOrDefault("environment")));

    /// <summary>"published:container" entries of a service's ports, as container ports.</summary>
    private static List<int> ContainerPorts(Dictionary<string, object?> service) =>
        service.TryGetValue("ports", out var ports) && ports is List<object?> list
            ? list.Select(p => int.Parse(Str(p, "ports").Split('/')[0].Split(':')[^1])).ToList()
            : [];

    [Fact]
    public void The_Dockerfile_builds_on_the_SDK_runs_on_ASP_NET_as_a_non_root_user_with_a_data_volume()
    {
        var instructions = DockerfileInstructions();
        var from = instructions.Where(i => i.Keyword == "FROM").Select(i => i.Args.Split(' ')[0]).ToList();
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"], from);
        var user = instructions.Last(i => i.Keyword == "USER").Args;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        var config = ResolveNodeConfig(Entrypoint(), new Dictionary<string, string>());
        Assert.Contains(config.GetString("dsync.node.data-dir", ""), instructions.Where(i => i.Keyword == "VOLUME").Select(i => i.Args.Trim('[', ']', '"', ' ')));
        Assert.Equal(["dotnet", "/app/node/DistSync.Node.dll"], Entrypoint()[..2]);
    }

    [Fact]
    public void The_image_exposes_the_HOCON_ports_and_its_health_check_asks_health_on_the_HTTP_port()
    {
        var instructions = DockerfileInstructions();
        var config = ResolveNodeConfig(Entrypoint(), new Dictionary<string, string>());
        var http = config.GetInt("dsync.http.port", -1);
        var remote = config.GetInt("dsync.remote.port", -1);
        var exposed = instructions.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Args.Split(' ')).Select(p => int.Parse(p.Split('/')[0])).ToHashSet();
        Assert.True(exposed.SetEquals([http, remote]), $"EXPOSE {string.Join(' ', exposed)} but the HOCON ports are {http} and {remote}");
        Assert.Equal("0.0.0.0", config.GetString("dsync.http.host", ""));
        Assert.Equal("0.0.0.0", config.GetString("dsync.remote.host", ""));

        var health = instructions.Single(i => i.Keyword == "HEALTHCHECK").Args;
        var command = string.Join(' ', ExecForm(health[health.IndexOf("CMD [", StringComparison.Ordinal)..][4..]));
        Assert.Contains($"/dev/tcp/127.0.0.1/{http}", command, StringComparison.Ordinal);
        Assert.Contains("GET /health ", command, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_node_advertises_its_service_name_and_publishes_the_HTTP_port_the_HOCON_listens_on()
    {
        var ids = new HashSet<string>();
        foreach (var name in Nodes)
        {
            var service = Service(name);
            var config = NodeConfig(name);
            Assert.Equal(name, config.GetString("dsync.remote.public-hostname", ""));
            if (Has(service, "hostname")) Assert.Equal(name, Str(service["hostname"], $"{name}.hostname"));
            Assert.True(ids.Add(config.GetString("dsync.node.id", "")), $"{name}: node id {config.GetString("dsync.node.id", "")} is not unique");
            Assert.Equal([config.GetInt("dsync.http.port", -1)], ContainerPorts(service));
            Assert.Contains($"{name}-data:{config.GetString("dsync.node.data-dir", "")}", Seq(service["volumes"], $"{name}.volumes").Select(v => v as string));
        }
    }

    [Fact]
    public void Seeds_and_founders_name_the_node_services_at_their_remoting_ports_the_same_on_every_node()
    {
        var byService = Nodes.ToDictionary(n => n, NodeConfig);
        var idOf = byService.ToDictionary(kv => kv.Key, kv => kv.Value.GetString("dsync.node.id", ""));
        string? founders = null;
        foreach (var (name, config) in byService)
        {
            var seeds = config.GetStringList("dsync.cluster.seeds");
            Assert.Equal(Nodes.Where(n => n != name).Order(), seeds.Select(s => HostPort(s, $"{name} seed").Host).Order());
            foreach (var seed in seeds)
            {
                var (host, port) = HostPort(seed, $"{name} seed");
                Assert.Equal(byService[host].GetInt("dsync.remote.port", -1), port);
            }
            var members = config.GetStringList("dsync.cluster.initial-members");
            founders ??= string.Join(',', members);
            Assert.Equal(founders, string.Join(',', members));
            foreach (var member in members)
            {
                var (host, port) = HostPort(member[(member.IndexOf('@') + 1)..], $"{name} founder");
                Assert.True(byService.ContainsKey(host), $"{name}: founder {member} names no node service");
                Assert.Equal(idOf[host] + "@", member[..(member.IndexOf('@') + 1)]);
                Assert.Equal(byService[host].GetInt("dsync.remote.port", -1), port);
            }
        }
    }

    [Fact]
    public void The_nodes_journal_to_the_redis_service()
    {
        var redis = Service("redis");
        foreach (var name in Nodes)
        {
            var config = NodeConfig(name);
            Assert.Equal("redis", config.GetString("dsync.persistence.journal.plugin", ""));
            Assert.Equal("redis", config.GetString("dsync.persistence.snapshot-store.plugin", ""));
            var (host, port) = HostPort(config.GetString("dsync.persistence.redis.configuration", "").Split(',')[0], $"{name} redis");
            Assert.Equal("redis", host);
            var command = redis.TryGetValue("command", out var c) && c is List<object?> args ? args.Select(a => a?.ToString() ?? "").ToList() : [];
            var redisPort = command.IndexOf("--port") is var i and >= 0 ? int.Parse(command[i + 1]) : 6379;
            Assert.Equal(redisPort, port);
            Assert.Contains("redis", Map(Service(name)["depends_on"], $"{name}.depends_on").Keys);
        }
    }

    [Fact]
    public void Prometheus_scrapes_every_node_service_at_its_HTTP_port_and_loads_the_alert_rules()
    {
        var prometheus = Service("prometheus");
        var mounts = BindMounts(prometheus);
        var configFile = mounts.Single(m => m.Target == "/etc/prometheus/prometheus.yml").Source;
        var config = Yaml(configFile);
        var job = Map(Seq(config["scrape_configs"], "scrape_configs").Single(), "scrape_configs[0]");
        Assert.Equal("/metrics", Str(job["metrics_path"], "metrics_path"));
        var targets = Seq(Map(Seq(job["static_configs"], "static_configs").Single(), "static_configs[0]")["targets"], "targets").Select(t => Str(t, "target")).ToList();
        Assert.Equal(Nodes.Select(n => $"{n}:{NodeConfig(n).GetInt("dsync.http.port", -1)}").Order(), targets.Order());

        foreach (var rule in Seq(config["rule_files"], "rule_files").Select(r => Str(r, "rule_files")))
            Assert.True(mounts.Any(m => m.Target == rule), $"rule file {rule} is not mounted into prometheus");
        Assert.Contains(mounts, m => m.Source == "deploy/prometheus/alerts.yml" && m.Target == "/etc/prometheus/alerts.yml");
    }

    [Fact]
    public void Security_is_on_every_node_with_its_own_certificate_from_the_secrets_service_and_an_HTTPS_health_check()
    {
        var script = File.ReadAllText(Repo.PathOf("docker/make-secrets.sh"));
        var secrets = Service("secrets");
        Assert.Equal(["/bin/sh", "/app/make-secrets.sh"], Seq(secrets["entrypoint"], "secrets.entrypoint").Select(e => Str(e, "entrypoint")));
        Assert.Contains(DockerfileInstructions(), i => i.Keyword == "COPY" && i.Args == "docker/make-secrets.sh /app/make-secrets.sh");
        var secretsVolume = Seq(secrets["volumes"], "secrets.volumes").Select(v => Str(v, "volume")).Single(v => v.EndsWith(":/secrets", StringComparison.Ordinal)).Split(':')[0];
        foreach (var name in Nodes)
        {
            var config = NodeConfig(name);
            var security = DistSync.Node.Security.SecuritySettings.From(config, config.GetString("dsync.node.data-dir", ""));
            Assert.True(security.Enabled && security.Https && security.RemotingTls, $"{name}: security, HTTPS and remoting TLS must all be on");
            var id = config.GetString("dsync.node.id", "");
            Assert.Equal([$"/secrets/{id}.crt", $"/secrets/{id}.key", "/secrets/ca.crt", "/secrets/token.key", "/secrets/data.key"],
                new[] { security.CertFile, security.KeyFile, security.CaFile, security.TokenKeyFile, config.GetString("dsync.security.data-key-file", "") });
            // the node mounts the secrets the service made, read-only, and starts only after it finished
            var service = Service(name);
            Assert.Contains($"{secretsVolume}:/secrets:ro", Seq(service["volumes"], $"{name}.volumes").Select(v => v as string));
            Assert.Equal("service_completed_successfully", Str(At(service, name, "depends_on", "secrets", "condition"), "condition"));
            // the script issues this node's certificate for the service name peers and Prometheus call it by
            Assert.Contains("dsync certs issue \"n$i\" --dir \"$ca\" --dns \"node$i\"", script, StringComparison.Ordinal);
            Assert.Equal($"node{id[1..]}", name);
            var health = string.Join(' ', Seq(At(service, name, "healthcheck", "test"), "healthcheck.test").Select(t => Str(t, "test")));
            Assert.Contains($"--node 127.0.0.1:{config.GetInt("dsync.http.port", -1)} --ca {security.CaFile}", health, StringComparison.Ordinal);
            Assert.EndsWith(" health", health, StringComparison.Ordinal);
        }
        // the CA's key stays in a volume no node mounts
        Assert.Contains("ca:/ca", Seq(secrets["volumes"], "secrets.volumes").Select(v => v as string));
        foreach (var name in Nodes) Assert.DoesNotContain(Seq(Service(name)["volumes"], name).Select(v => v as string), v => v!.StartsWith("ca:", StringComparison.Ordinal));

        // Prometheus scrapes over HTTPS trusting the cluster CA from the same volume
        var prometheus = Service("prometheus");
        var job = Map(Seq(Yaml(BindMounts(prometheus).Single(m => m.Target == "/etc/prometheus/prometheus.yml").Source)["scrape_configs"], "scrape_configs").Single(), "job");
        Assert.Equal("https", Str(job["scheme"], "scheme"));
        Assert.Equal("/secrets/ca.crt", Str(At(job, "job", "tls_config", "ca_file"), "ca_file"));
        Assert.Contains($"{secretsVolume}:/secrets:ro", Seq(prometheus["volumes"], "prometheus.volumes").Select(v => v as string));
    }

    [Fact]
    public void Grafana_is_provisioned_with_the_prometheus_datasource_and_the_dashboard_file()
    {
        var grafana = Service("grafana");
        var mounts = BindMounts(grafana);
        var datasources = mounts.Single(m => m.Target == "/etc/grafana/provisioning/datasources").Source;
        var source = Map(Seq(Yaml($"{datasources}/prometheus.yml")["datasources"], "datasources").Single(), "datasource");
        Assert.Equal("prometheus", Str(source["type"], "type"));
        var url = new Uri(Str(source["url"], "url"));
        Assert.Equal("prometheus", url.Host);
        Assert.Contains(url.Port, ContainerPorts(Service("prometheus")));

        var dashboards = mounts.Single(m => m.Target == "/etc/grafana/provisioning/dashboards").Source;
        var provider = Map(Seq(Yaml($"{dashboards}/dsync.yml")["providers"], "providers").Single(), "provider");
        var folder = Str(At(provider, "provider", "options", "path"), "options.path");
        var dashboard = mounts.Single(m => m.Source == "deploy/grafana/dsync-dashboard.json");
        Assert.Equal(folder, Path.GetDirectoryName(dashboard.Target));
    }

    [Fact]
    public void Named_volumes_are_declared_and_bind_mounted_files_exist()
    {
        var compose = Compose();
        var declared = Map(compose["volumes"], "volumes").Keys.ToHashSet();
        foreach (var (name, value) in Map(compose["services"], "services"))
        {
            var service = Map(value, name);
            if (!service.TryGetValue("volumes", out var volumes)) continue;
            foreach (var volume in Seq(volumes, $"{name}.volumes").Select(v => Str(v, $"{name}.volumes")))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal) || source.StartsWith('/')) continue;
                Assert.True(declared.Contains(source), $"{name}: volume {source} is not declared under volumes:");
            }
            foreach (var (source, _) in BindMounts(service))
            {
                var path = Repo.PathOf(source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{name}: bind mount ./{source} does not exist");
                if (path.EndsWith(".json", StringComparison.Ordinal)) System.Text.Json.JsonDocument.Parse(File.ReadAllText(path)).Dispose();
                if (path.EndsWith(".yml", StringComparison.Ordinal)) YamlDocuments(source);
            }
        }
    }

    [Fact]
    public void Docker_compose_config_accepts_the_file_when_the_compose_plugin_is_installed()
    {
        // The plugin is absent on these machines (DEPENDENCIES.md); where it exists it checks the schema offline.
        if (Run("docker", "compose", "version").ExitCode != 0) return;
        var (code, output) = Run("docker", "compose", "-f", Repo.PathOf("docker-compose.yml"), "config", "-q");
        Assert.True(code == 0, "docker compose config -q failed:\n" + output);
    }

    /// <summary>The service's "./source:target[:mode]" volumes, source relative to the repository.</summary>
    private static List<(string Source, string Target)> BindMounts(Dictionary<string, object?> service) =>
        service.TryGetValue("volumes", out var volumes) && volumes is List<object?> list
            ? list.Select(v => Str(v, "volume").Split(':')).Where(p => p[0].StartsWith("./", StringComparison.Ordinal)).Select(p => (p[0][2..], p[1])).ToList()
            : [];

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
