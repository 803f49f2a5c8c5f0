using DistSync.Hocon;

namespace DistSync.Node.Security;

/// <summary><c>dsync.security.*</c> (hocon/security.conf): client tokens, roles, prefixes, the audit log, TLS and encryption at rest.</summary>
public sealed record SecuritySettings
{
    public bool Enabled { get; init; }
    public string TokenKeyFile { get; init; } = "";
    public bool MetricsOpen { get; init; } = true;
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
    public string AuditFile { get; init; } = "";
    public long AuditMaxFileBytes { get; init; } = 16 * 1024 * 1024;
    public int AuditRetainedFiles { get; init; } = 5;
    public int SessionCreatesPerSecond { get; init; } = 50;
    public int AcquiresPerSecond { get; init; } = 2000;
    public bool Https { get; init; }
    public bool RemotingTls { get; init; }
    public string CaFile { get; init; } = "";
    public string CertFile { get; init; } = "";
    public string KeyFile { get; init; } = "";

    /// <summary>The data keyring for encryption at rest; empty: off.</summary>
    public string DataKeyFile { get; init; } = "";

    /// <summary>Whether plaintext records are read while encryption at rest is on (migrating a data directory).</summary>
    public bool AcceptPlaintext { get; init; }

    public bool EncryptionAtRest => !string.IsNullOrWhiteSpace(DataKeyFile);

    /// <summary>Whether the node needs its certificate (HTTPS or remoting TLS on).</summary>
    public bool UsesTls => Https || RemotingTls;

    public static SecuritySettings From(IConfiguration config, string dataDir)
    {
        var settings = new SecuritySettings
        {
            Enabled = config.GetBool("dsync.security.enabled", false),
            TokenKeyFile = config.GetString("dsync.security.token-key-file", ""),
            MetricsOpen = config.GetBool("dsync.security.metrics-open", true),
            ClockSkew = config.GetDuration("dsync.security.clock-skew", TimeSpan.FromSeconds(30)),
            AuditFile = config.GetString("dsync.security.audit.file", "") is { Length: > 0 } file ? file : Path.Combine(dataDir, "audit", "audit.jsonl"),
            AuditMaxFileBytes = config.GetSize("dsync.security.audit.max-file-size", 16 * 1024 * 1024),
            AuditRetainedFiles = config.GetInt("dsync.security.audit.retained-files", 5),
            SessionCreatesPerSecond = config.GetInt("dsync.security.rate-limits.session-creates-per-second", 50),
            AcquiresPerSecond = config.GetInt("dsync.security.rate-limits.acquires-per-second", 2000),
            Https = config.GetBool("dsync.security.tls.https", false),
            RemotingTls = config.GetBool("dsync.security.tls.remoting", false),
            CaFile = config.GetString("dsync.security.tls.ca-file", ""),
            CertFile = config.GetString("dsync.security.tls.cert-file", ""),
            KeyFile = config.GetString("dsync.security.tls.key-file", ""),
            DataKeyFile = config.GetString("dsync.security.data-key-file", ""),
            AcceptPlaintext = config.GetBool("dsync.security.data-at-rest.accept-plaintext", false),
        };
        if (settings.UsesTls)
        {
            foreach (var (key, value) in new[] { ("ca-file", settings.CaFile), ("cert-file", settings.CertFile), ("key-file", settings.KeyFile) })
                if (string.IsNullOrWhiteSpace(value))
                    throw new FormatException($"configuration key 'dsync.security.tls.{key}' must name a file when dsync.security.tls.https or .remoting is on");
        }
        if (settings.Enabled && string.IsNullOrWhiteSpace(settings.TokenKeyFile))
            throw new FormatException("configuration key 'dsync.security.token-key-file' must name the cluster signing key when dsync.security.enabled is on");
        if (settings.ClockSkew < TimeSpan.Zero) throw new FormatException("configuration key 'dsync.security.clock-skew' must not be negative");
        if (settings.AuditMaxFileBytes < 4096) throw new FormatException("configuration key 'dsync.security.audit.max-file-size' must be at least 4KiB");
        if (settings.AuditRetainedFiles < 0) throw new FormatException("configuration key 'dsync.security.audit.retained-files' must not be negative");
        if (settings.SessionCreatesPerSecond < 0 || settings.AcquiresPerSecond < 0)
            throw new FormatException("configuration keys 'dsync.security.rate-limits.*' must not be negative (0: no limit)");
        return settings;
    }
}
