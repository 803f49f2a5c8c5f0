namespace DistSync.Hocon;

/// <summary>
/// Folds parsed documents into one tree, in order: duplicate keys merge when both values are objects and
/// otherwise the later one wins; includes are loaded in place; self-references (<c>a = ${a} x</c>, <c>a += x</c>)
/// are bound to the value the field had at that point. Substitutions to other paths stay for
/// <see cref="HoconResolver"/>, which sees the whole merged tree (so forward references work).
/// </summary>
internal sealed class HoconTreeBuilder
{
    private readonly Stack<string> includeStack = new();

    public HoconTreeBuilder(HoconOrigin rootOrigin)
    {
        Root = new HoconObject(rootOrigin);
    }

    public HoconObject Root { get; }

    /// <summary>Reads, parses and merges a file. <paramref name="path"/> is kept as written for messages.</summary>
    public bool AddFile(string path, bool optional)
    {
        if (!File.Exists(path))
        {
            if (optional)
            {
                return false;
            }

            throw new FileNotFoundException($"HOCON file '{path}' not found (looked for {Path.GetFullPath(path)}).", path);
        }

        var document = ParseFile(path, includeOrigin: null);
        includeStack.Push(Path.GetFullPath(path));
        try
        {
            MergeFields(Root, [], document, includePrefix: []);
        }
        finally
        {
            includeStack.Pop();
        }

        return true;
    }

    public void AddString(string text, string sourceName, string? baseDirectory)
    {
        var document = HoconParser.ParseDocument(text, sourceName, baseDirectory);
        MergeFields(Root, [], document, includePrefix: []);
    }

    /// <summary>Sets one path as if <c>path = value</c> were written after everything added so far.</summary>
    public void AddValue(IReadOnlyList<string> path, HoconValue value, HoconOrigin origin)
    {
        var field = new SyntaxField(path, value, Append: false, origin);
        MergeFields(Root, [], new SyntaxObject([field], origin), includePrefix: []);
    }

    private static SyntaxObject ParseFile(string path, HoconOrigin? includeOrigin)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var origin = includeOrigin ?? new HoconOrigin(path, 1, 1);
            throw new HoconParseException(origin, $"cannot read '{path}': {ex.Message}", ex);
        }

        var directory = Path.GetDirectoryName(path) ?? string.Empty;
        return HoconParser.ParseDocument(text, path, directory);
    }

    /// <param name="path">Absolute path of <paramref name="target"/>, or null inside arrays and concatenations,
    /// where there is no field to refer back to.</param>
    /// <param name="includePrefix">Where the file these fields come from was included.</param>
    private void MergeFields(HoconObject target, IReadOnlyList<string>? path, SyntaxObject syntax, IReadOnlyList<string> includePrefix)
    {
        foreach (var entry in syntax.Entries)
        {
            switch (entry)
            {
                case SyntaxField field:
                    SetField(target, path, field, includePrefix);
                    break;
                case SyntaxInclude include:
                    Include(target, path, include);
                    break;
            }
        }
    }

    private void Include(HoconObject target, IReadOnlyList<string>? path, SyntaxInclude include)
    {
        var file = FindIncludedFile(include);
        if (file is null)
        {
            if (include.Required)
            {
                var looked = Path.GetFullPath(Path.Combine(include.BaseDirectory ?? string.Empty, include.Name));
                throw new HoconParseException(include.Origin, $"required include '{include.Name}' not found (looked for {looked})");
            }

            // HOCON: a plain include of a missing file is silently ignored.
            return;
        }

        var fullPath = Path.GetFullPath(file);
        if (includeStack.Contains(fullPath))
        {
            var chain = string.Join(" -> ", includeStack.Reverse().Select(Path.GetFileName).Append(Path.GetFileName(fullPath)));
            throw new HoconParseException(include.Origin, $"include cycle: {chain}");
        }

        var document = ParseFile(file, include.Origin);
        includeStack.Push(fullPath);
        try
        {
            MergeFields(target, path, document, path ?? []);
        }
        finally
        {
            includeStack.Pop();
        }
    }

    private static string? FindIncludedFile(SyntaxInclude include)
    {
        var candidate = Path.IsPathRooted(include.Name)
            ? include.Name
            : Path.Combine(include.BaseDirectory ?? string.Empty, include.Name);
        if (File.Exists(candidate))
        {
            return candidate;
        }

        // Like HOCON's "basename" includes: a name without extension also matches name.conf.
        if (Path.GetExtension(candidate).Length == 0 && File.Exists(candidate + ".conf"))
        {
            return candidate + ".conf";
        }

        return null;
    }

    private void SetField(HoconObject target, IReadOnlyList<string>? path, SyntaxField field, IReadOnlyList<string> includePrefix)
    {
        var parent = target;
        List<string>? parentPath = path is null ? null : [.. path];
        for (var i = 0; i < field.Path.Count - 1; i++)
        {
            parent = DescendOrCreate(parent, field.Path[i], field.Origin);
            parentPath?.Add(field.Path[i]);
        }

        var key = field.Path[^1];
        List<string>? fieldPath = parentPath is null ? null : [.. parentPath, key];
        parent.TryGetValue(key, out var previous);

        var value = field.Value;
        if (field.Append)
        {
            // a += x is a = ${?a} [x]
            value = new HoconConcatenation(
                [
                    new HoconConcatenationPiece(string.Empty, HoconSubstitution.SelfAppend(field.Origin)),
                    new HoconConcatenationPiece(string.Empty, new HoconArray([value], value.Origin)),
                ],
                field.Origin);
        }

        if (value is SyntaxObject syntaxObject)
        {
            var destination = ObjectToMergeInto(parent, key, previous, syntaxObject.Origin);
            MergeFields(destination, fieldPath, syntaxObject, includePrefix);
            return;
        }

        var built = Build(value, fieldPath, previous, includePrefix);
        if (previous is not null && built.IsUnresolved)
        {
            // Whether this replaces or merges with the previous value depends on what it resolves to.
            parent.Set(key, new HoconMergeStack(previous, built));
        }
        else
        {
            parent.Set(key, built);
        }
    }

    /// <summary>The object that a later <c>key { ... }</c> merges into.</summary>
    private static HoconObject ObjectToMergeInto(HoconObject parent, string key, HoconValue? previous, HoconOrigin origin)
    {
        switch (previous)
        {
            case HoconObject existing:
                return existing;
            case HoconMergeStack stack when stack.Layers[^1] is HoconObject top:
                return top;
            default:
                var fresh = new HoconObject(origin);
                parent.Set(key, previous is not null && previous.IsUnresolved ? new HoconMergeStack(previous, fresh) : fresh);
                return fresh;
        }
    }

    private static HoconObject DescendOrCreate(HoconObject parent, string key, HoconOrigin origin)
    {
        parent.TryGetValue(key, out var existing);
        return ObjectToMergeInto(parent, key, existing, origin);
    }

    /// <summary>
    /// Turns a parsed value into a tree value: object literals are merged into fresh objects, substitutions get
    /// their include prefix, and references to <paramref name="selfPath"/> (or below it) become
    /// <see cref="HoconPreviousValue"/> bound to <paramref name="previous"/>.
    /// </summary>
    private HoconValue Build(HoconValue value, IReadOnlyList<string>? selfPath, HoconValue? previous, IReadOnlyList<string> includePrefix)
    {
        switch (value)
        {
            case HoconScalar:
                return value;
            case HoconSubstitution substitution:
                return BuildSubstitution(substitution, selfPath, previous, includePrefix);
            case HoconArray array:
            {
                var items = new List<HoconValue>(array.Count);
                foreach (var item in array)
                {
                    items.Add(Build(item, selfPath, previous, includePrefix));
                }

                return new HoconArray(items, array.Origin);
            }

            case HoconConcatenation concatenation:
            {
                var pieces = new List<HoconConcatenationPiece>(concatenation.Pieces.Count);
                foreach (var piece in concatenation.Pieces)
                {
                    pieces.Add(piece with { Value = Build(piece.Value, selfPath, previous, includePrefix) });
                }

                return new HoconConcatenation(pieces, concatenation.Origin);
            }

            case SyntaxObject syntaxObject:
            {
                // An object inside an array or concatenation has no field path of its own to refer back to.
                var fresh = new HoconObject(syntaxObject.Origin);
                MergeFields(fresh, path: null, syntaxObject, includePrefix);
                return fresh;
            }

            default:
                return value;
        }
    }

    private static HoconValue BuildSubstitution(HoconSubstitution substitution, IReadOnlyList<string>? selfPath, HoconValue? previous, IReadOnlyList<string> includePrefix)
    {
        if (substitution.IsSelfAppend)
        {
            return new HoconPreviousValue(previous, [], substitution);
        }

        if (selfPath is not null)
        {
            // In an included file the path may be meant relative to the include point or to the root.
            if (StartsWith(includePrefix, substitution.Path, selfPath, out var remainder)
                || StartsWith([], substitution.Path, selfPath, out remainder))
            {
                return new HoconPreviousValue(previous, remainder, substitution);
            }
        }

        return substitution.WithIncludePrefix(includePrefix);
    }

    private static bool StartsWith(IReadOnlyList<string> prefix, IReadOnlyList<string> path, IReadOnlyList<string> selfPath, out IReadOnlyList<string> remainder)
    {
        remainder = [];
        if (prefix.Count + path.Count < selfPath.Count)
        {
            return false;
        }

        for (var i = 0; i < selfPath.Count; i++)
        {
            var segment = i < prefix.Count ? prefix[i] : path[i - prefix.Count];
            if (!string.Equals(segment, selfPath[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        var rest = new List<string>();
        for (var i = selfPath.Count; i < prefix.Count + path.Count; i++)
        {
            rest.Add(i < prefix.Count ? prefix[i] : path[i - prefix.Count]);
        }

        remainder = rest;
        return true;
    }
}
