using System.Text.RegularExpressions;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;
using static DistSync.Ops.Tests.Deploy.DeployFiles;

namespace DistSync.Ops.Tests.Deploy;

/// <summary>deploy/k8s: the StatefulSet, its Services, the PodDisruptionBudget and the ConfigMap agree with each other
/// and with the node's HOCON as a pod resolves it.</summary>
public partial class KubernetesLintSpec
{
    private static List<Dictionary<string, object?>> Resources()
    {
        var kustomization = Yaml("deploy/k8s/kustomization.yaml");
        var listed = Seq(kustomization["resources"], "resources").Select(r => Str(r, "resource")).ToList();
        var present = Directory.GetFiles(Repo.PathOf("deploy/k8s"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        Assert.Equal(present.Order(), listed.Order());
        return listed.SelectMany(f => YamlDocuments($"deploy/k8s/{f}")).Where(d => d is not null).Select(d => Map(d, "resource")).ToList();
    }

    private static Dictionary<string, object?> One(string kind, string? name = null) =>
        Resources().Single(r => Str(r["kind"], "kind") == kind && (name is null || Name(r) == name));

    private static string Name(Dictionary<string, object?> resource) => Str(At(resource, "resource", "metadata", "name"), "metadata.name");

    private static Dictionary<string, object?> StatefulSet() => One("StatefulSet");

    private static Dictionary<string, object?> Container() =>
        Map(Seq(At(StatefulSet(), "statefulset", "spec", "template", "spec", "containers"), "containers").Single(), "container");

    private static Dictionary<string, string> Labels(Dictionary<string, object?> map) =>
        Map(map, "labels").ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static Dictionary<string, string> PodLabels() =>
        Labels(Map(At(StatefulSet(), "statefulset", "spec", "template", "metadata", "labels"), "labels"));

    private static Dictionary<string, int> ContainerPorts() =>
        Seq(Container()["ports"], "ports").Select(p => Map(p, "port"))
            .ToDictionary(p => Str(p["name"], "port name"), p => Convert.ToInt32(p["containerPort"], System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex DependentVariable();

    /// <summary>The pod's DSYNC__ environment with Kubernetes' $(VAR) expansion, for the pod named <paramref name="pod"/>.</summary>
    private static Dictionary<string, string> PodEnvironment(string pod)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Seq(Container()["env"], "env").Select(e => Map(e, "env")))
        {
            var name = Str(entry["name"], "env name");
            if (entry.TryGetValue("valueFrom", out var from))
            {
                Assert.Equal("metadata.name", Str(At(from, name, "fieldRef", "fieldPath"), "fieldPath"));
                values[name] = pod;
            }
            else
            {
                values[name] = DependentVariable().Replace(Str(entry["value"], name), m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
            }
        }
        return values;
    }

    /// <summary>The ConfigMap files as the container sees them: mount path -> text.</summary>
    private static Dictionary<string, string> MountedConfigFiles()
    {
        var result = new Dictionary<string, string>();
        var volumes = Seq(At(StatefulSet(), "statefulset", "spec", "template", "spec", "volumes"), "volumes").Select(v => Map(v, "volume")).ToList();
        foreach (var mount in Seq(Container()["volumeMounts"], "volumeMounts").Select(m => Map(m, "volumeMount")))
        {
            var volume = volumes.SingleOrDefault(v => Str(v["name"], "volume name") == Str(mount["name"], "mount name"));
            if (volume is null || !volume.TryGetValue("configMap", out var cm)) continue;
            var configMap = One("ConfigMap", Str(At(cm, "volume", "name"), "configMap.name"));
            var data = Map(configMap["data"], "data");
            var items = Map(cm, "configMap").TryGetValue("items", out var it) && it is List<object?> list
                ? list.Select(i => Map(i, "item")).ToDictionary(i => Str(i["path"], "path"), i => Str(i["key"], "key"))
                : data.Keys.ToDictionary(k => k, k => k);
            foreach (var key in items.Values) Assert.True(data.ContainsKey(key), $"configMap item key {key} is not in ConfigMap {Name(configMap)}");
            var mountPath = Str(mount["mountPath"], "mountPath");
            if (mount.TryGetValue("subPath", out var sub))
            {
                var subPath = Str(sub, "subPath");
                Assert.True(items.ContainsKey(subPath), $"subPath {subPath} is not a file of ConfigMap {Name(configMap)}");
                result[mountPath] = Str(data[items[subPath]], subPath);
            }
            else
            {
                foreach (var (path, key) in items) result[$"{mountPath}/{path}"] = Str(data[key], key);
            }
        }
        return result;
    }

    private static IConfiguration PodConfig(int ordinal)
    {
        var args = Seq(Container()["args"], "args").Select(a => Str(a, "arg")).ToList();
        return ResolveNodeConfig(args, PodEnvironment($"{Name(StatefulSet())}-{ordinal}"), MountedConfigFiles());
    }

    [Fact]
    public void Both_services_and_the_disruption_budget_select_the_StatefulSet_pods()
    {
        var pods = PodLabels();
        Assert.True(Selects(Labels(Map(At(StatefulSet(), "statefulset", "spec", "selector", "matchLabels"), "matchLabels")), pods), "the StatefulSet's selector misses its own pods");
        foreach (var service in Resources().Where(r => Str(r["kind"], "kind") == "Service"))
            Assert.True(Selects(Labels(Map(At(service, Name(service), "spec", "selector"), "selector")), pods), $"Service {Name(service)} selects no StatefulSet pod");
        var pdb = One("PodDisruptionBudget");
        Assert.True(Selects(Labels(Map(At(pdb, "pdb", "spec", "selector", "matchLabels"), "matchLabels")), pods), "the PodDisruptionBudget selects no pod");
        Assert.Equal("1", At(pdb, "pdb", "spec", "maxUnavailable")?.ToString());
    }

    [Fact]
    public void The_StatefulSet_has_three_replicas_behind_the_headless_service_with_a_claim_mounted_at_the_data_dir()
    {
        var spec = Map(StatefulSet()["spec"], "spec");
        Assert.Equal("3", spec["replicas"]?.ToString());
        var headless = One("Service", Str(spec["serviceName"], "serviceName"));
        Assert.Equal("None", At(headless, "headless", "spec", "clusterIP")?.ToString());
        // peers must resolve each other before any is ready (readiness needs a leader, which needs the peers)
        Assert.Equal("true", At(headless, "headless", "spec", "publishNotReadyAddresses")?.ToString()?.ToLowerInvariant());

        var claim = Map(Seq(spec["volumeClaimTemplates"], "volumeClaimTemplates").Single(), "claim");
        var claimName = Str(At(claim, "claim", "metadata", "name"), "claim name");
        var mount = Seq(Container()["volumeMounts"], "volumeMounts").Select(m => Map(m, "mount")).Single(m => Str(m["name"], "name") == claimName);
        Assert.Equal(PodConfig(0).GetString("dsync.node.data-dir", ""), Str(mount["mountPath"], "mountPath"));
    }

    [Fact]
    public void Container_ports_probes_and_service_ports_match_the_HOCON_ports()
    {
        var config = PodConfig(0);
        var ports = ContainerPorts();
        Assert.Equal(config.GetInt("dsync.http.port", -1), ports["http"]);
        Assert.Equal(config.GetInt("dsync.remote.port", -1), ports["remoting"]);
        Assert.Equal("0.0.0.0", config.GetString("dsync.http.host", ""));

        var readiness = Map(Container()["readinessProbe"], "readinessProbe");
        Assert.Equal("/health", Str(At(readiness, "readinessProbe", "httpGet", "path"), "path"));
        Assert.True(Container().ContainsKey("livenessProbe"), "no livenessProbe");
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var port = At(Container()[probe], probe, "httpGet", "port")?.ToString();
            Assert.True(port == "http" || port == ports["http"].ToString(), $"{probe} asks port {port}, not the HTTP port");
        }

        foreach (var service in Resources().Where(r => Str(r["kind"], "kind") == "Service"))
        {
            foreach (var port in Seq(At(service, Name(service), "spec", "ports"), "ports").Select(p => Map(p, "port")))
            {
                var target = port.GetValueOrDefault("targetPort")?.ToString() ?? port["port"]?.ToString();
                Assert.True(ports.ContainsKey(target!) || ports.ContainsValue(int.Parse(target!)), $"Service {Name(service)} targets port {target}, which the container does not declare");
            }
        }
    }

    [Fact]
    public void Each_pod_is_named_by_its_pod_name_advertises_its_stable_DNS_name_and_seeds_name_the_other_pods()
    {
        var name = Name(StatefulSet());
        var headless = Str(At(StatefulSet(), "statefulset", "spec", "serviceName"), "serviceName");
        var replicas = int.Parse(At(StatefulSet(), "statefulset", "spec", "replicas")!.ToString()!);
        for (var i = 0; i < replicas; i++)
        {
            var config = PodConfig(i);
            var remotePort = config.GetInt("dsync.remote.port", -1);
            Assert.Equal($"{name}-{i}", config.GetString("dsync.node.id", ""));
            Assert.Equal($"{name}-{i}.{headless}", config.GetString("dsync.remote.public-hostname", ""));
            var expected = Enumerable.Range(0, replicas).Select(j => $"{name}-{j}.{headless}:{remotePort}").ToList();
            var seeds = config.GetStringList("dsync.cluster.seeds");
            Assert.True(seeds.All(expected.Contains) && seeds.Count >= replicas - 1, $"seeds {string.Join(", ", seeds)} are not the pods' stable names {string.Join(", ", expected)}");
            Assert.Equal(Enumerable.Range(0, replicas).Select(j => $"{name}-{j}@{name}-{j}.{headless}:{remotePort}"), config.GetStringList("dsync.cluster.initial-members"));
        }
    }

    [Fact]
    public void Security_is_on_in_every_pod_with_its_own_certificate_from_the_secret_and_HTTPS_probes()
    {
        var volumes = Seq(At(StatefulSet(), "statefulset", "spec", "template", "spec", "volumes"), "volumes").Select(v => Map(v, "volume")).ToList();
        var secretVolume = volumes.Single(v => v.ContainsKey("secret"));
        Assert.Equal("dsync-secrets", Str(At(secretVolume, "volume", "secret", "secretName"), "secretName"));
        var mount = Seq(Container()["volumeMounts"], "volumeMounts").Select(m => Map(m, "mount")).Single(m => Str(m["name"], "name") == Str(secretVolume["name"], "name"));
        var secrets = Str(mount["mountPath"], "mountPath");
        var script = File.ReadAllText(Repo.PathOf("deploy/k8s/make-secrets.sh"));
        var name = Name(StatefulSet());
        var headless = Str(At(StatefulSet(), "statefulset", "spec", "serviceName"), "serviceName");
        for (var i = 0; i < 3; i++)
        {
            var config = PodConfig(i);
            var security = DistSync.Node.Security.SecuritySettings.From(config, config.GetString("dsync.node.data-dir", ""));
            Assert.True(security.Enabled && security.Https && security.RemotingTls, $"pod {i}: security, HTTPS and remoting TLS must all be on");
            Assert.Equal([$"{secrets}/{name}-{i}.crt", $"{secrets}/{name}-{i}.key", $"{secrets}/ca.crt", $"{secrets}/token.key", $"{secrets}/data.key"],
                new[] { security.CertFile, security.KeyFile, security.CaFile, security.TokenKeyFile, config.GetString("dsync.security.data-key-file", "") });
        }
        // the script puts each file the pods name into the Secret, certificates naming the pods' stable DNS names
        Assert.Contains("pod=dsync-$i", script, StringComparison.Ordinal);
        Assert.Contains($"--dns \"$pod.{headless}\"", script, StringComparison.Ordinal);
        foreach (var file in new[] { "ca.crt=", "$pod.crt=", "$pod.key=", "token.key=", "data.key=" }) Assert.Contains($"--from-file=\"{file}", script, StringComparison.Ordinal);
        Assert.Contains("kubectl create secret generic dsync-secrets", script, StringComparison.Ordinal);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
            Assert.Equal("HTTPS", Str(At(Container()[probe], probe, "httpGet", "scheme"), "scheme"));
        // the liveness path must answer without a token now that security is on
        Assert.Equal("/", Str(At(Container()["livenessProbe"], "livenessProbe", "httpGet", "path"), "path"));
    }
}
