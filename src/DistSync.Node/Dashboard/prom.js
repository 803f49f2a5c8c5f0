// GET /metrics (Prometheus text exposition 0.0.4) read in the page, and the rolling window of rates the
// charts draw. Every metric may be absent (a module that recorded nothing yet, or a name not added yet):
// a missing series yields no point, never a zero, so a chart says "no data" instead of a flat lie.

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text into Map(name -> [{labels, value}]). Comments and malformed lines are skipped. */
export function parseProm(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line[0] === '#') continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      for (const l of m[3].matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push({ labels, value });
  }
  return out;
}

/**
 * Drops the series another node labelled as its own (node="..."): nodes that share one process (the in-process
 * test cluster) also share its meters, and this page charts the node it is served by.
 */
export function ownSeries(samples, nodeId) {
  if (!nodeId) return samples;
  const out = new Map();
  for (const [name, list] of samples) out.set(name, list.filter((s) => s.labels.node === undefined || s.labels.node === nodeId));
  return out;
}

/** Sum of every series of a metric, or null when the metric is absent. */
export function sumOf(samples, name) {
  const list = samples.get(name);
  if (!list || list.length === 0) return null;
  return list.reduce((s, x) => s + x.value, 0);
}

/** Value of the series of name whose label key equals value, or null. */
export function valueWhere(samples, name, key, value) {
  const hit = (samples.get(name) ?? []).find((s) => s.labels[key] === value);
  return hit ? hit.value : null;
}

/** Per-second increase of a counter between two scrapes; null when absent in either or reset (a restart). */
function rate(prev, cur, name, dt) {
  const a = sumOf(prev, name), b = sumOf(cur, name);
  if (a === null || b === null || b < a) return null;
  return (b - a) / dt;
}

/** Cumulative bucket counts by upper bound, summed over every label set except le. */
function buckets(samples, name) {
  const byLe = new Map();
  for (const s of samples.get(name) ?? []) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return byLe;
}

/**
 * The q-quantile of the observations made between two scrapes, from the histogram's bucket deltas,
 * interpolated inside the bucket as Prometheus' histogram_quantile does; null with no observation.
 */
export function quantileBetween(prev, cur, name, q) {
  const a = buckets(prev, name), b = buckets(cur, name);
  if (b.size === 0) return null;
  const les = [...b.keys()].sort((x, y) => x - y);
  const delta = les.map((le) => Math.max(0, b.get(le) - (a.get(le) ?? 0)));
  const total = delta[delta.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < les.length; i++) {
    if (delta[i] >= rank) {
      // The +Inf bucket has no upper edge: answer the highest finite bound, as Prometheus does.
      if (les[i] === Infinity) return i > 0 ? les[i - 1] : null;
      const lo = i > 0 ? les[i - 1] : 0, below = i > 0 ? delta[i - 1] : 0;
      const inBucket = delta[i] - below;
      return inBucket > 0 ? lo + ((les[i] - lo) * (rank - below)) / inBucket : les[i];
    }
  }
  return null;
}

/** The charts: each turns two consecutive scrapes (and the seconds between them) into one value or null. */
export const CHARTS = [
  { id: 'http-rps', title: 'HTTP requests/s', unit: '/s', value: (p, c, dt) => rate(p, c, 'dsync_http_requests_total', dt) },
  {
    id: 'http-p99', title: 'HTTP p99 latency', unit: 'ms',
    value: (p, c) => {
      const s = quantileBetween(p, c, 'dsync_http_request_duration_seconds_bucket', 0.99);
      return s === null ? null : s * 1000;
    },
  },
  { id: 'lock-grants', title: 'Lock grants/s', unit: '/s', value: (p, c, dt) => rate(p, c, 'dsync_locks_grants_total', dt) },
  { id: 'queue-produced', title: 'Queue produced/s', unit: '/s', value: (p, c, dt) => rate(p, c, 'dsync_queues_produced_total', dt) },
  { id: 'queue-ready', title: 'Queue backlog (ready)', unit: '', value: (p, c) => sumOf(c, 'dsync_queues_ready') },
  {
    id: 'cache-hit', title: 'Cache hit ratio', unit: '%',
    value: (p, c) => {
      const h0 = sumOf(p, 'dsync_cache_hits_total'), h1 = sumOf(c, 'dsync_cache_hits_total');
      const m0 = sumOf(p, 'dsync_cache_misses_total'), m1 = sumOf(c, 'dsync_cache_misses_total');
      if ([h0, h1, m0, m1].includes(null)) return null;
      const hits = h1 - h0, lookups = hits + (m1 - m0);
      // No lookup in the interval: no ratio to draw (a gap, not 0 %).
      return lookups > 0 && hits >= 0 ? (100 * hits) / lookups : null;
    },
  },
  { id: 'broadcast-published', title: 'Broadcast published/s', unit: '/s', value: (p, c, dt) => rate(p, c, 'dsync_broadcast_published_total', dt) },
];

/** A rolling window of {t, v} points (v null = gap), trimmed to the last windowMs. */
export class Series {
  constructor(windowMs) {
    this.windowMs = windowMs;
    this.points = [];
  }

  push(t, v) {
    this.points.push({ t, v });
    while (this.points.length > 0 && this.points[0].t < t - this.windowMs) this.points.shift();
  }

  hasData() {
    return this.points.some((p) => p.v !== null);
  }

  last() {
    for (let i = this.points.length - 1; i >= 0; i--) if (this.points[i].v !== null) return this.points[i].v;
    return null;
  }
}
