using System.Text;

namespace DistSync.Hocon;

/// <summary>
/// Replaces substitutions, concatenations and merge stacks with plain values, against the whole merged tree.
/// Each node is resolved once (memoised by identity); a node met again while it is still being resolved
/// means a cycle, reported with the chain of substitutions that led there.
/// </summary>
internal sealed class HoconResolver
{
    private readonly HoconObject root;
    private readonly Func<string, string?> environment;
    private readonly Dictionary<HoconValue, HoconValue?> resolved = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> outputs = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HoconValue> inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<HoconValue> substitutionTrail = [];

    private HoconResolver(HoconObject root, Func<string, string?> environment)
    {
        this.root = root;
        this.environment = environment;
    }

    public static HoconObject Resolve(HoconObject root, Func<string, string?> environment)
    {
        var resolver = new HoconResolver(root, environment);
        return (HoconObject)(resolver.Resolve(root) ?? new HoconObject(root.Origin));
    }

    /// <summary>The resolved value, or null when it is undefined (an optional substitution that found nothing).</summary>
    private HoconValue? Resolve(HoconValue node)
    {
        if (node is HoconScalar || outputs.Contains(node))
        {
            return node;
        }

        if (resolved.TryGetValue(node, out var done))
        {
            return done;
        }

        if (!inProgress.Add(node))
        {
            throw Cycle(node);
        }

        var isSubstitution = node is HoconSubstitution or HoconPreviousValue;
        if (isSubstitution)
        {
            substitutionTrail.Add(node);
        }

        try
        {
            var result = node switch
            {
                HoconObject obj => ResolveObject(obj),
                HoconArray array => ResolveArray(array),
                HoconSubstitution substitution => ResolveSubstitution(substitution),
                HoconPreviousValue previous => ResolvePrevious(previous),
                HoconConcatenation concatenation => ResolveConcatenation(concatenation),
                HoconMergeStack stack => ResolveMergeStack(stack),
                _ => throw new HoconResolveException(node.Origin, $"unexpected {node.GetType().Name} in the tree"),
            };
            resolved[node] = result;
            if (result is not null)
            {
                outputs.Add(result);
            }

            return result;
        }
        finally
        {
            inProgress.Remove(node);
            if (isSubstitution)
            {
                substitutionTrail.RemoveAt(substitutionTrail.Count - 1);
            }
        }
    }

    private HoconResolveException Cycle(HoconValue node)
    {
        var chain = new StringBuilder();
        foreach (var step in substitutionTrail)
        {
            chain.Append(step).Append(" (").Append(step.Origin).Append(") -> ");
        }

        chain.Append(node is HoconSubstitution or HoconPreviousValue ? node.ToString() : "the value defined at " + node.Origin);
        var origin = substitutionTrail.Count > 0 ? substitutionTrail[^1].Origin : node.Origin;
        return new HoconResolveException(origin, $"substitution cycle: {chain}");
    }

    private HoconObject ResolveObject(HoconObject obj)
    {
        var result = new HoconObject(obj.Origin);
        foreach (var key in obj.Keys)
        {
            var value = Resolve(obj[key]);
            if (value is not null)
            {
                result.Set(key, value);
            }
        }

        return result;
    }

    private HoconArray ResolveArray(HoconArray array)
    {
        var items = new List<HoconValue>(array.Count);
        foreach (var item in array)
        {
            var value = Resolve(item);
            if (value is not null)
            {
                items.Add(value);
            }
        }

        return new HoconArray(items, array.Origin);
    }

    private HoconValue? ResolveSubstitution(HoconSubstitution substitution)
    {
        HoconValue? found = null;
        if (substitution.IncludePrefix.Count > 0)
        {
            found = Lookup([.. substitution.IncludePrefix, .. substitution.Path]);
        }

        found ??= Lookup(substitution.Path);
        return found ?? FromEnvironment(substitution, "no such path in the configuration");
    }

    private HoconValue? ResolvePrevious(HoconPreviousValue reference)
    {
        var written = reference.Written;
        if (reference.Previous is null)
        {
            // a += x with nothing before it is just [x].
            return written.IsSelfAppend ? null : FromEnvironment(written, "it refers to its own field, which has no earlier value");
        }

        var value = Resolve(reference.Previous);
        foreach (var segment in reference.Remainder)
        {
            value = value is HoconObject obj && obj.TryGetValue(segment, out var child) ? child : null;
        }

        if (value is null && !written.Optional && !written.IsSelfAppend)
        {
            throw new HoconResolveException(written.Origin, $"could not resolve substitution {written}: the earlier value of the field has no such path");
        }

        return value;
    }

    private HoconValue? FromEnvironment(HoconSubstitution substitution, string why)
    {
        // HOCON: a substitution not found in the configuration falls back to the environment variable of that name.
        var name = string.Join('.', substitution.Path);
        var variable = environment(name);
        if (variable is not null)
        {
            return new HoconScalar(variable, substitution.Origin);
        }

        if (substitution.Optional)
        {
            return null;
        }

        throw new HoconResolveException(
            substitution.Origin,
            $"could not resolve substitution {substitution}: {why} and no environment variable '{name}' is set (use ${{?{substitution.DisplayPath}}} if it may be absent)");
    }

    /// <summary>Finds an absolute path in the merged tree, resolving only what lies on the way.</summary>
    private HoconValue? Lookup(IReadOnlyList<string> path)
    {
        HoconValue? current = root;
        foreach (var segment in path)
        {
            current = Child(current, segment);
            if (current is null)
            {
                return null;
            }
        }

        return Resolve(current);
    }

    private HoconValue? Child(HoconValue node, string key)
    {
        switch (node)
        {
            case HoconObject obj:
                return obj.TryGetValue(key, out var child) ? child : null;
            case HoconMergeStack stack:
                // Look into the top object layers first, so fields of a merged object can refer to siblings
                // without resolving (and so re-entering) the whole stack.
                for (var i = stack.Layers.Count - 1; i >= 0; i--)
                {
                    if (stack.Layers[i] is not HoconObject layer)
                    {
                        break;
                    }

                    if (layer.TryGetValue(key, out var candidate))
                    {
                        if (candidate is HoconScalar or HoconArray)
                        {
                            return candidate;
                        }

                        break;
                    }
                }

                return Resolve(stack) is HoconObject whole && whole.TryGetValue(key, out var merged) ? merged : null;
            case HoconScalar or HoconArray:
                return null;
            default:
                return Resolve(node) is HoconObject resolvedObject && resolvedObject.TryGetValue(key, out var value) ? value : null;
        }
    }

    private HoconValue? ResolveConcatenation(HoconConcatenation concatenation)
    {
        var values = new List<HoconValue>(concatenation.Pieces.Count);
        var whitespace = new List<string>(concatenation.Pieces.Count);
        foreach (var piece in concatenation.Pieces)
        {
            var value = Resolve(piece.Value);
            if (value is null)
            {
                // An undefined piece disappears together with the whitespace before it.
                continue;
            }

            values.Add(value);
            whitespace.Add(values.Count == 1 ? string.Empty : piece.LeadingWhitespace);
        }

        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count == 1)
        {
            return values[0];
        }

        var first = values[0];
        for (var i = 1; i < values.Count; i++)
        {
            if (Kind(values[i]) != Kind(first))
            {
                throw new HoconResolveException(
                    concatenation.Origin,
                    $"cannot concatenate {Kind(first)} and {Kind(values[i])} (value at {values[i].Origin}); values written side by side must be all strings, all arrays or all objects");
            }
        }

        switch (first)
        {
            case HoconObject:
            {
                var merged = (HoconObject)first;
                for (var i = 1; i < values.Count; i++)
                {
                    merged = MergeObjects(merged, (HoconObject)values[i]);
                }

                return merged;
            }

            case HoconArray:
            {
                var items = new List<HoconValue>();
                foreach (var value in values)
                {
                    items.AddRange((HoconArray)value);
                }

                return new HoconArray(items, concatenation.Origin);
            }

            default:
            {
                var text = new StringBuilder();
                for (var i = 0; i < values.Count; i++)
                {
                    text.Append(whitespace[i]).Append(((HoconScalar)values[i]).Text ?? "null");
                }

                return new HoconScalar(text.ToString(), concatenation.Origin);
            }
        }
    }

    private static string Kind(HoconValue value) => value switch
    {
        HoconObject => "an object",
        HoconArray => "an array",
        _ => "a string",
    };

    private HoconValue? ResolveMergeStack(HoconMergeStack stack)
    {
        HoconValue? result = null;
        foreach (var layer in stack.Layers)
        {
            var value = Resolve(layer);
            if (value is null)
            {
                continue;
            }

            result = result is HoconObject lower && value is HoconObject upper ? MergeObjects(lower, upper) : value;
        }

        return result;
    }

    /// <summary>Fields of <paramref name="upper"/> win; where both sides hold objects, they merge recursively.</summary>
    private HoconObject MergeObjects(HoconObject lower, HoconObject upper)
    {
        var result = new HoconObject(upper.Origin);
        foreach (var key in lower.Keys)
        {
            result.Set(key, lower[key]);
        }

        foreach (var key in upper.Keys)
        {
            var value = upper[key];
            result.Set(key, result.TryGetValue(key, out var existing) && existing is HoconObject a && value is HoconObject b
                ? MergeObjects(a, b)
                : value);
        }

        outputs.Add(result);
        return result;
    }
}
