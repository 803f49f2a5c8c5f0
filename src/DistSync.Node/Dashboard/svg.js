// Hand-drawn SVG: line charts, the hash ring and the locks' wait-for graph. Pure functions from data to
// a fresh <svg>; the caller swaps it in, so a redraw never leaves stale shapes behind.

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes; a `text` attribute becomes its text content. */
export function s(tag, attrs = {}, children = []) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  for (const c of children) e.appendChild(c);
  return e;
}

/** Colours of members by their position in the ordinal order of ids; the same in every panel. */
const PALETTE = ['#2f6fdf', '#e07a1f', '#2a9d6a', '#a64ac9', '#c9304a', '#1e9bb0', '#8c6d1f', '#5b6b7f'];
export const colourOf = (ids, id) => PALETTE[Math.max(0, ids.indexOf(id)) % PALETTE.length];

/** A compact number for axes and readouts. */
export function fmt(v, unit = '') {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  const n = Number.isInteger(v) && a < 1e4 ? String(v) : a >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : a >= 1e4 ? (v / 1e3).toFixed(1) + 'k' : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit === '%' ? n + ' %' : unit ? `${n} ${unit}` : n;
}

/** A line chart of a Series over the last windowMs up to now; "no data" when it has no point. */
export function lineChart(series, { title, unit, windowMs, now, id }) {
  const W = 300, H = 104, L = 34, R = 8, T = 22, B = 16;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', 'data-chart': id, role: 'img', 'aria-label': title });
  svg.appendChild(s('text', { x: 4, y: 14, class: 'chart-title', text: title }));
  const pts = series.points.filter((p) => p.v !== null);
  if (pts.length === 0) {
    svg.appendChild(s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot' }));
    svg.appendChild(s('text', { x: (W + L - R) / 2, y: (H + T - B) / 2 + 4, class: 'no-data', 'text-anchor': 'middle', text: 'no data' }));
    return svg;
  }
  const max = niceMax(Math.max(...pts.map((p) => p.v)), unit);
  const x = (t) => L + ((t - (now - windowMs)) / windowMs) * (W - L - R);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  svg.appendChild(s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot' }));
  for (const f of [0.5, 1]) svg.appendChild(s('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), class: 'grid' }));
  svg.appendChild(s('text', { x: L - 4, y: T + 4, class: 'axis', 'text-anchor': 'end', text: fmt(max) }));
  svg.appendChild(s('text', { x: L - 4, y: H - B + 3, class: 'axis', 'text-anchor': 'end', text: '0' }));
  svg.appendChild(s('text', { x: L, y: H - 4, class: 'axis', text: `-${Math.round(windowMs / 60000)} min` }));
  svg.appendChild(s('text', { x: W - R, y: H - 4, class: 'axis', 'text-anchor': 'end', text: 'now' }));
  // A null value breaks the line (M restarts it), so an absent interval is not bridged by a straight guess.
  let d = '', pen = false;
  for (const p of series.points) {
    if (p.v === null) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    pen = true;
  }
  svg.appendChild(s('path', { d, class: 'line' }));
  // The newest point as a dot: a series of one point (or one after a gap) is a bare M, which draws nothing.
  const newest = pts[pts.length - 1];
  svg.appendChild(s('circle', { cx: x(newest.t).toFixed(1), cy: y(newest.v).toFixed(1), r: 2.4, class: 'last-dot' }));
  svg.appendChild(s('text', { x: W - R, y: 14, class: 'readout', 'text-anchor': 'end', text: fmt(series.last(), unit) }));
  return svg;
}

function niceMax(v, unit) {
  if (unit === '%') return 100;
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

const polar = (cx, cy, r, turn) => [cx + r * Math.sin(2 * Math.PI * turn), cy - r * Math.cos(2 * Math.PI * turn)];

function arcPath(cx, cy, r, from, to) {
  const [x1, y1] = polar(cx, cy, r, from), [x2, y2] = polar(cx, cy, r, to);
  return `M${x1.toFixed(2)},${y1.toFixed(2)}A${r},${r} 0 ${to - from > 0.5 ? 1 : 0} 1 ${x2.toFixed(2)},${y2.toFixed(2)}`;
}

/**
 * The hash ring: each member's arcs (a key belongs to the first point clockwise, so the arc before a point is
 * its owner's), dimmed when the member is not up, and each partition at its hash with one dot per replica,
 * the leader's dot ringed. points: [{turn, owner}] sorted; partitions: [{name, turn, replicas, leader}].
 */
export function ringChart(points, members, partitions, statusOf, colour) {
  const W = 300, H = 300, cx = 150, cy = 150, r = 96;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'ring', role: 'img', 'aria-label': 'hash ring' });
  svg.appendChild(s('circle', { cx, cy, r, class: 'ring-base' }));
  // Runs of consecutive points of one owner are one arc: 450 points become a few dozen paths.
  for (let i = 0; i < points.length; ) {
    const owner = points[i].owner;
    let j = i;
    while (j + 1 < points.length && points[j + 1].owner === owner) j++;
    const from = i === 0 ? points[points.length - 1].turn - 1 : points[i - 1].turn;
    const up = statusOf(owner) === 'up';
    svg.appendChild(s('path', { d: arcPath(cx, cy, r, from, points[j].turn), class: 'ring-arc' + (up ? '' : ' down'), stroke: colour(owner), 'data-owner': owner }));
    i = j + 1;
  }
  // Labels go round in hash order; one closer than MIN_GAP to the last drawn moves out a step, so
  // neighbours stay readable (every partition keeps its tick, dots and tooltip).
  const MIN_GAP = 0.035;
  let lastTurn = -1, step = 0;
  for (const p of [...partitions].sort((a, b) => a.turn - b.turn)) {
    step = p.turn - lastTurn < MIN_GAP ? (step + 1) % 3 : 0;
    lastTurn = p.turn;
    const [x, y] = polar(cx, cy, r + 6, p.turn);
    const [lx, ly] = polar(cx, cy, r + 16 + step * 11, p.turn);
    const g = s('g', { class: 'partition', 'data-partition': p.name }, [s('title', { text: `${p.name}: leader ${p.leader ?? 'none'}, replicas ${p.replicas.join(' ')}` })]);
    g.appendChild(s('line', { x1: x, y1: y, x2: lx, y2: ly, class: 'tick' }));
    g.appendChild(s('text', { x: lx, y: ly + 3, class: 'part-label', 'text-anchor': lx < cx - 5 ? 'end' : lx > cx + 5 ? 'start' : 'middle', text: p.name }));
    p.replicas.forEach((id, n) => {
      const [dx, dy] = polar(cx, cy, r - 13 - n * 8, p.turn);
      g.appendChild(s('circle', { cx: dx, cy: dy, r: 3.6, fill: colour(id), class: 'replica' + (id === p.leader ? ' leader' : ''), 'data-node': id }));
    });
    svg.appendChild(g);
  }
  svg.appendChild(s('text', { x: cx, y: cy - 4, class: 'ring-centre', 'text-anchor': 'middle', text: `${members.length} members` }));
  svg.appendChild(s('text', { x: cx, y: cy + 12, class: 'ring-centre small', 'text-anchor': 'middle', text: `${partitions.length} partitions` }));
  return svg;
}

/**
 * The wait-for graph: nodes are transactions (a session's id unless it named a txn), an edge runs from a
 * waiter to each holder of the resource it waits for, labelled with the resource. Layered right to left:
 * a transaction that waits for nothing stands in the left column, each waiter one column right of the
 * deepest one it waits for, so chains read as rows of arrows; edges on a cycle (a deadlock) are red.
 * edges: [{from, to, resource, cycle}].
 */
export function waitForGraph(nodes, edges) {
  // Longest-path layering, relaxed at most |nodes| rounds so a cycle cannot loop for ever.
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  for (let round = 0; round < nodes.length; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.cycle) continue;
      const d = depth.get(e.to) + 1;
      if (d > depth.get(e.from)) { depth.set(e.from, d); changed = true; }
    }
    if (!changed) break;
  }
  const byColumn = new Map();
  for (const n of nodes) byColumn.set(depth.get(n.id), [...(byColumn.get(depth.get(n.id)) ?? []), n.id]);
  const columns = byColumn.size;
  const W = 700, NR = 30, H = Math.max(200, 62 * Math.max(0, ...[...byColumn.values()].map((c) => c.length)) + 10);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'waitfor', role: 'img', 'aria-label': 'wait-for graph' });
  svg.appendChild(s('defs', {}, [s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    [s('path', { d: 'M0,0L10,5L0,10z', class: 'arrowhead' })])]));
  if (nodes.length === 0) {
    svg.appendChild(s('text', { x: W / 2, y: H / 2, class: 'no-data', 'text-anchor': 'middle', text: 'no lock held or awaited' }));
    return svg;
  }
  const at = new Map();
  for (const c of [...byColumn.keys()].sort((a, b) => a - b)) {
    // Columns spread over the middle of the width, at most 220 apart, so a short chain does not stretch thin.
    const gap = Math.min(220, (W - 100) / Math.max(1, columns - 1)), left = (W - gap * (columns - 1)) / 2;
    const x = left + c * gap;
    // Each waiter sits level with the mean height of those it waits for, which keeps arrows from crossing.
    const level = (id) => {
      const ys = edges.filter((e) => e.from === id && at.has(e.to)).map((e) => at.get(e.to)[1]);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
    };
    const ids = byColumn.get(c).slice().sort((a, b) => level(a) - level(b) || a.localeCompare(b));
    ids.forEach((id, i) => at.set(id, [x, ((i + 1) * H) / (ids.length + 1)]));
  }
  for (const e of edges) {
    const [x1, y1] = at.get(e.from), [x2, y2] = at.get(e.to);
    const len = Math.hypot(x2 - x1, y2 - y1) || 1, ux = (x2 - x1) / len, uy = (y2 - y1) / len;
    // Bent a little to its left, so the two edges of a 2-cycle do not lie on each other.
    const bend = e.cycle ? 26 : 10;
    const mx = (x1 + x2) / 2 - uy * bend, my = (y1 + y2) / 2 + ux * bend;
    const g = s('g', { class: 'wf-edge' + (e.cycle ? ' cycle' : ''), 'data-from': e.from, 'data-to': e.to, 'data-resource': e.resource });
    g.appendChild(s('path', { d: `M${x1 + ux * NR},${y1 + uy * NR}Q${mx},${my} ${x2 - ux * (NR + 2)},${y2 - uy * (NR + 2)}`, class: 'edge', 'marker-end': 'url(#arrow)' }));
    // The label sits near the waiter's end: edges meet at a busy holder, they leave from distinct waiters.
    const lx = 0.36 * x1 + 0.48 * mx + 0.16 * x2, ly = 0.36 * y1 + 0.48 * my + 0.16 * y2; // the curve at t = 0.4
    g.appendChild(s('text', { x: lx, y: ly - 5, class: 'edge-label', 'text-anchor': 'middle', text: e.resource }));
    svg.appendChild(g);
  }
  for (const n of nodes) {
    const [x, y] = at.get(n.id);
    const g = s('g', { class: `wf-node ${n.kind}`, 'data-txn': n.id });
    g.appendChild(s('circle', { cx: x, cy: y, r: NR }));
    g.appendChild(s('text', { x, y: y + 1, 'text-anchor': 'middle', class: 'node-label', text: n.id }));
    g.appendChild(s('text', { x, y: y + 12, 'text-anchor': 'middle', class: 'node-sub', text: n.kind }));
    svg.appendChild(g);
  }
  return svg;
}
