using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace DistSync.Node.Metrics;

/// <summary>
/// Renders every <see cref="Meter"/> whose name starts with "DistSync" in the Prometheus text exposition
/// format 0.0.4. Modules only use System.Diagnostics.Metrics (no exporter package is served here, see
/// DEPENDENCIES.md); this listener aggregates what they record and renders it on each scrape.
/// </summary>
public sealed class PrometheusTextExporter : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly object _collectLock = new();

    public PrometheusTextExporter(string meterPrefix = "DistSync")
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(meterPrefix, StringComparison.Ordinal)) return;
            _instruments[instrument] = new InstrumentState(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state)) state.Record(value, LabelsOf(tags));
    }

    /// <summary>The whole exposition, ready for <c>GET /metrics</c>.</summary>
    public string Render()
    {
        var sb = new StringBuilder(4096);
        lock (_collectLock)
        {
            // Observable instruments report only when asked; ask for a fresh reading per scrape.
            foreach (var state in _instruments.Values) state.ResetObservable();
            _listener.RecordObservableInstruments();
            foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal)) state.Render(sb);
        }
        return sb.ToString();
    }

    private static string LabelsOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags) parts.Add($"{SanitizeName(tag.Key)}=\"{EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        parts.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", parts) + "}";
    }

    internal static string SanitizeName(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':';
            if (!ok || (i == 0 && char.IsAsciiDigit(c))) chars[i] = '_';
        }
        return new string(chars);
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    public void Dispose() => _listener.Dispose();

    /// <summary>Aggregated values of one instrument, per label set.</summary>
    private sealed class InstrumentState(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new();
        public string Name { get; } = SanitizeName(instrument.Name);

        private string Kind => instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> => "counter",
            Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
            _ => "gauge",
        };

        private bool IsObservable => instrument.IsObservable;
        private bool IsSum => instrument is Counter<long> or Counter<int> or Counter<double> or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>;

        public void ResetObservable()
        {
            if (IsObservable) _series.Clear();
        }

        public void Record(double value, string labels)
        {
            var series = _series.GetOrAdd(labels, _ => new Series());
            lock (series)
            {
                if (Kind == "histogram")
                {
                    series.Count++;
                    series.Sum += value;
                    series.Buckets ??= new long[DefaultBuckets.Length];
                    for (var b = 0; b < DefaultBuckets.Length; b++)
                    {
                        if (value <= DefaultBuckets[b]) series.Buckets[b]++;
                    }
                }
                else if (IsSum)
                {
                    series.Sum += value;
                }
                else
                {
                    series.Sum = value; // gauges and observable readings: the last value
                }
            }
        }

        public void Render(StringBuilder sb)
        {
            if (_series.IsEmpty) return;
            var kind = Kind;
            var name = kind == "counter" && !Name.EndsWith("_total", StringComparison.Ordinal) ? Name + "_total" : Name;
            var help = string.IsNullOrEmpty(instrument.Description) ? instrument.Name : instrument.Description;
            if (!string.IsNullOrEmpty(instrument.Unit)) help += $" ({instrument.Unit})";
            sb.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(kind).Append('\n');
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    if (kind == "histogram")
                    {
                        var inner = labels.Length == 0 ? "" : labels[1..^1] + ",";
                        for (var b = 0; b < DefaultBuckets.Length; b++)
                        {
                            sb.Append(name).Append("_bucket{").Append(inner).Append("le=\"").Append(Format(DefaultBuckets[b])).Append("\"} ")
                              .Append(series.Buckets![b].ToString(CultureInfo.InvariantCulture)).Append('\n');
                        }
                        sb.Append(name).Append("_bucket{").Append(inner).Append("le=\"+Inf\"} ").Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                        sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(Format(series.Sum)).Append('\n');
                        sb.Append(name).Append("_count").Append(labels).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }
                    else
                    {
                        sb.Append(name).Append(labels).Append(' ').Append(Format(series.Sum)).Append('\n');
                    }
                }
            }
        }
    }

    private sealed class Series
    {
        public double Sum;
        public long Count;
        public long[]? Buckets;
    }
}
