using System.Diagnostics.CodeAnalysis;

namespace DistSync.Hocon;

/// <summary>A HOCON object: fields in the order they were first defined.</summary>
public sealed class HoconObject : HoconValue
{
    private readonly List<string> keys = [];
    private readonly Dictionary<string, HoconValue> fields = new(StringComparer.Ordinal);

    public HoconObject(HoconOrigin origin)
        : base(origin)
    {
    }

    public IReadOnlyList<string> Keys => keys;

    public int Count => keys.Count;

    public HoconValue this[string key] => fields[key];

    public bool TryGetValue(string key, [NotNullWhen(true)] out HoconValue? value) => fields.TryGetValue(key, out value);

    /// <summary>Looks up a dotted path such as <c>dsync.node.id</c> (quoted segments allowed).</summary>
    public bool TryGetPath(string path, [NotNullWhen(true)] out HoconValue? value)
    {
        value = this;
        foreach (var segment in HoconPath.Parse(path))
        {
            if (value is not HoconObject obj || !obj.TryGetValue(segment, out value))
            {
                value = null;
                return false;
            }
        }

        return true;
    }

    /// <summary>The text of the scalar at <paramref name="path"/>, or null when absent, null or not a scalar.</summary>
    public string? GetString(string path) =>
        TryGetPath(path, out var value) && value is HoconScalar scalar ? scalar.Text : null;

    /// <summary>
    /// The configuration keys this object stands for: <c>a.b-c</c> becomes <c>a:b-c</c>, array elements
    /// become <c>key:0</c>, <c>key:1</c>. Values stay as written. An empty object or array yields the key with a null value.
    /// </summary>
    public IDictionary<string, string?> ToConfigurationData()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(this, null, data);
        return data;
    }

    internal void Set(string key, HoconValue value)
    {
        if (!fields.ContainsKey(key))
        {
            keys.Add(key);
        }

        fields[key] = value;
    }

    internal void Remove(string key)
    {
        if (fields.Remove(key))
        {
            keys.Remove(key);
        }
    }

    private static void Flatten(HoconValue value, string? prefix, Dictionary<string, string?> data)
    {
        switch (value)
        {
            case HoconObject obj:
                if (obj.Count == 0 && prefix is not null)
                {
                    data[prefix] = null;
                }

                foreach (var key in obj.keys)
                {
                    Flatten(obj.fields[key], prefix is null ? key : prefix + ":" + key, data);
                }

                break;
            case HoconArray array:
                if (array.Count == 0 && prefix is not null)
                {
                    data[prefix] = null;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], prefix + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), data);
                }

                break;
            case HoconScalar scalar:
                data[prefix ?? string.Empty] = scalar.Text;
                break;
            default:
                throw new InvalidOperationException($"{value.Origin}: value is not resolved; call HoconLoader.Resolve first.");
        }
    }
}
