namespace DistSync.Hocon;

/// <summary><c>${path}</c> or <c>${?path}</c>, before resolution.</summary>
internal sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(IReadOnlyList<string> path, bool optional, HoconOrigin origin)
        : this(path, optional, [], isSelfAppend: false, origin)
    {
    }

    private HoconSubstitution(IReadOnlyList<string> path, bool optional, IReadOnlyList<string> includePrefix, bool isSelfAppend, HoconOrigin origin)
        : base(origin)
    {
        Path = path;
        Optional = optional;
        IncludePrefix = includePrefix;
        IsSelfAppend = isSelfAppend;
    }

    /// <summary>The path as written.</summary>
    public IReadOnlyList<string> Path { get; }

    public bool Optional { get; }

    /// <summary>
    /// Where the file holding this substitution was included (empty at the root). HOCON looks the path up
    /// relative to the include point first, then from the root.
    /// </summary>
    public IReadOnlyList<string> IncludePrefix { get; }

    /// <summary>The hidden <c>${?self}</c> that <c>a += x</c> stands for; always a self-reference.</summary>
    public bool IsSelfAppend { get; }

    internal override bool IsUnresolved => true;

    public string DisplayPath => HoconPath.Render(Path);

    public static HoconSubstitution SelfAppend(HoconOrigin origin) => new([], optional: true, [], isSelfAppend: true, origin);

    public HoconSubstitution WithIncludePrefix(IReadOnlyList<string> prefix) =>
        prefix.Count == 0 || IsSelfAppend ? this : new HoconSubstitution(Path, Optional, prefix, IsSelfAppend, Origin);

    public override string ToString() => Optional ? $"${{?{DisplayPath}}}" : $"${{{DisplayPath}}}";
}
