// One render function per panel: JSON in, the panel's content replaced. Data attributes (data-node,
// data-group, data-resource, ...) name what a row shows, for the browser spec and for anyone reading the DOM.
import { colourOf, fmt, ringChart, waitForGraph } from './svg.js';
import { turnOf, xxh64 } from './xxhash64.js';

/** An HTML element; `text` sets its text content, `class` its class, anything else an attribute. */
export function h(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(c);
  return e;
}

const body = (panel) => panel.querySelector('.body');
const table = (heads, rows, cls = '') =>
  h('table', { class: cls }, [h('thead', {}, [h('tr', {}, heads.map((t) => h('th', { text: t })))]), h('tbody', {}, rows)]);
const td = (text, cls) => h('td', { text: text ?? '–', class: cls });
// akka.tcp://dsync@host:port (or a test transport's longer scheme) shown as host:port; the whole in the tooltip.
const shortAddress = (a) => (a ?? '').replace(/^[a-z.]+:\/\/[^@]*@/, '');

/** Member ids in ordinal order: the colour key every panel shares. */
export const memberIds = (status) => (status?.members ?? []).map((m) => m.nodeId ?? m.address).sort();

export function renderMembers(panel, status) {
  const ids = memberIds(status);
  const rows = status.members
    .slice()
    .sort((a, b) => String(a.nodeId).localeCompare(String(b.nodeId)))
    .map((m) => {
      const self = m.nodeId === status.nodeId;
      const raft = m.raft === 'leader' ? `leader · term ${status.term}` : m.raft ?? 'not in the meta group';
      return h('tr', { 'data-node': m.nodeId ?? '', 'data-status': m.status, class: self ? 'self' : '' }, [
        h('td', {}, [h('span', { class: 'swatch', style: `background:${colourOf(ids, m.nodeId)}` }), m.nodeId ?? '?', self ? h('span', { class: 'tag', text: 'this node' }) : '']),
        h('td', { class: 'mono', title: m.address, text: shortAddress(m.address) }),
        h('td', { class: 'status' }, [h('span', { class: `pill ${m.status}`, text: m.status })]),
        td(m.phi >= 1e300 ? '∞' : m.phi.toFixed(2), 'num' + (m.phi >= 8 ? ' bad' : '')),
        td(raft, 'raft ' + (m.raft ?? '')),
      ]);
    });
  body(panel).replaceChildren(table(['node', 'address', 'status', 'phi', 'raft'], rows));
}

/** Ring points of the members, cached per member list: hashing 150 points each is the only costly step. */
const ringCache = { key: '', points: [] };
function ringPoints(members) {
  const key = members.join(',');
  if (ringCache.key !== key) {
    const points = [];
    for (const id of members) for (let i = 0; i < 150; i++) points.push({ turn: turnOf(xxh64(`${id}#${i}`)), owner: id });
    points.sort((a, b) => a.turn - b.turn || a.owner.localeCompare(b.owner));
    ringCache.key = key;
    ringCache.points = points;
  }
  return ringCache.points;
}

/** The fraction of the ring (of keys) a member owns: the arcs ending at its points. */
function ringShare(points, id) {
  let share = 0;
  points.forEach((p, i) => {
    if (p.owner === id) share += i === 0 ? p.turn + 1 - points[points.length - 1].turn : p.turn - points[i - 1].turn;
  });
  return share;
}

/** A per-group Raft metric from /metrics, when the node exports it; the group label may be its id or its name. */
function groupMetric(samples, name, id, label) {
  const hit = (samples?.get(name) ?? []).find((x) => x.labels.group === String(id) || x.labels.group === label);
  return hit ? hit.value : null;
}

export function renderRaft(panel, { status, raft, queues, metrics }) {
  const ids = memberIds(status);
  const meta = status?.groups?.find((g) => g.groupId === 0);
  const metaDetail = raft?.groups?.find((g) => g.groupId === 0);
  const voters = (metaDetail?.members ?? []).filter((m) => m.kind === 'voter').map((m) => m.nodeId).sort();
  const rows = [];
  const dots = (list, leader) => h('span', { class: 'dots' }, list.map((id) =>
    h('span', { class: 'dot' + (id === leader ? ' leader' : ''), style: `background:${colourOf(ids, id)}`, title: id + (id === leader ? ' (leader)' : ''), text: id })));
  if (meta) {
    rows.push(h('tr', { 'data-group': 0 }, [
      td('0', 'num'), td('meta'), td(meta.leader ?? 'none', 'leader' + (meta.leader ? '' : ' bad')), td(meta.term, 'term num'),
      td(meta.commitIndex, 'num'), td(groupMetric(metrics, 'dsync_raft_leader_changes_total', 0, 'meta'), 'num'),
      h('td', {}, [dots(voters.length ? voters : ids, meta.leader)]),
    ]));
  }
  const partitions = [];
  for (const q of queues?.stats ?? []) {
    for (const p of q.partitions) {
      const name = `${q.queue}/${p.id}`;
      partitions.push({ name, turn: turnOf(xxh64(name)), replicas: p.replicas, leader: p.leader });
      rows.push(h('tr', { 'data-group': p.groupId }, [
        td(p.groupId, 'num'), td(name), td(p.leader ?? 'none', 'leader' + (p.leader ? '' : ' bad')),
        td(groupMetric(metrics, 'dsync_raft_term', p.groupId, name), 'term num'), td(groupMetric(metrics, 'dsync_raft_commit_index', p.groupId, name), 'num'),
        td(groupMetric(metrics, 'dsync_raft_leader_changes_total', p.groupId, name), 'num'),
        h('td', {}, [dots(p.replicas, p.leader)]),
      ]));
    }
  }
  const ringMembers = voters.length ? voters : ids;
  const statusOf = (id) => status?.members?.find((m) => m.nodeId === id)?.status ?? 'unknown';
  const ring = h('div', { class: 'ring-box' }, [ringChart(ringPoints(ringMembers), ringMembers, partitions, statusOf, (id) => colourOf(ids, id)),
    h('div', { class: 'legend' }, ringMembers.map((id) => h('span', { class: 'legend-item', 'data-node': id }, [
      h('span', { class: 'swatch', style: `background:${colourOf(ids, id)}` }), `${id} ${(100 * ringShare(ringPoints(ringMembers), id)).toFixed(0)} %`])))]);
  const list = h('div', { class: 'scroll' }, [table(['group', 'name', 'leader', 'term', 'commit', 'changes', 'replicas'], rows, 'groups')]);
  body(panel).replaceChildren(h('div', { class: 'split' }, [list, ring]));
}

/** Wait-for edges of /lock/list: each waiter's txn to each holder's txn of the same resource. */
export function waitFor(locks) {
  const nodes = new Map(), edges = [];
  const node = (id, role) => {
    const n = nodes.get(id) ?? { id, holds: false, waits: false };
    n[role] = true;
    nodes.set(id, n);
  };
  for (const l of locks) {
    for (const x of l.holders) node(x.txnId ?? x.sessionId, 'holds');
    for (const w of l.waiters) {
      const from = w.txnId ?? w.sessionId;
      node(from, 'waits');
      for (const x of l.holders) if ((x.txnId ?? x.sessionId) !== from) edges.push({ from, to: x.txnId ?? x.sessionId, resource: l.resource });
    }
  }
  // An edge is on a cycle (a deadlock the service is about to break) when its head reaches its tail.
  const reaches = (a, b, seen = new Set()) =>
    a === b || (!seen.has(a) && (seen.add(a), edges.some((e) => e.from === a && reaches(e.to, b, seen))));
  for (const e of edges) e.cycle = reaches(e.to, e.from);
  const list = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id))
    .map((n) => ({ id: n.id, kind: n.holds && n.waits ? 'holds+waits' : n.holds ? 'holder' : 'waiter' }));
  return { nodes: list, edges };
}

export function renderLocks(panel, locks) {
  const rows = locks.map((l) => h('tr', { 'data-resource': l.resource }, [
    td(l.resource, 'mono'), td(l.mode),
    td(l.holders.map((x) => `${x.sessionId} #${x.fencingToken}`).join(', ') || '–', 'holders mono'),
    td(l.waiters.map((w) => `${w.sessionId} (${w.mode})`).join(', ') || '–', 'waiters mono'),
  ]));
  const g = waitFor(locks);
  body(panel).replaceChildren(
    h('div', { class: 'scroll short' }, [rows.length ? table(['resource', 'mode', 'holders (token)', 'waiters'], rows) : h('p', { class: 'empty', text: 'no lock held or awaited' })]),
    waitForGraph(g.nodes, g.edges));
}

export function renderQueues(panel, queues) {
  const byName = new Map(queues.list.map((q) => [q.queue, q]));
  const base = queues.list.filter((q) => !q.queue.endsWith('.dlq'));
  const max = Math.max(1, ...base.map((q) => q.ready + q.inflight + (byName.get(q.queue + '.dlq')?.ready ?? 0)));
  const bar = (n, cls) => h('span', { class: `bar ${cls}`, style: `width:${(100 * n) / max}%` });
  const rows = base.map((q) => {
    const dlq = byName.get(q.queue + '.dlq')?.ready ?? 0;
    return h('tr', { 'data-queue': q.queue }, [
      td(q.queue, 'mono'), td(q.partitions, 'num'), td(q.ready, 'num ready'), td(q.inflight, 'num inflight'), td(dlq, 'num dlq' + (dlq > 0 ? ' bad' : '')),
      h('td', { class: 'bars' }, [bar(q.ready, 'ready'), bar(q.inflight, 'inflight'), bar(dlq, 'dlq')]),
    ]);
  });
  body(panel).replaceChildren(rows.length
    ? table(['queue', 'parts', 'ready', 'inflight', 'DLQ', ''], rows)
    : h('p', { class: 'empty', text: 'no queue yet' }));
}

export function renderCache(panel, c) {
  const states = ['M', 'E', 'S', 'I'];
  const total = Math.max(1, states.reduce((n, k) => n + (c.byState?.[k] ?? 0), 0));
  const bar = h('div', { class: 'stack' }, states.map((k) =>
    h('span', { class: `seg mesi-${k}`, style: `width:${(100 * (c.byState?.[k] ?? 0)) / total}%`, title: `${k}: ${c.byState?.[k] ?? 0}` })));
  const legend = h('div', { class: 'legend' }, states.map((k) =>
    h('span', { class: 'legend-item', 'data-state': k }, [h('span', { class: `swatch mesi-${k}` }), `${k} ${c.byState?.[k] ?? 0}`])));
  const lookups = c.hits + c.misses;
  const kv = (k, v) => h('div', { class: 'kv' }, [h('span', { text: k }), h('b', { text: v, 'data-field': k })]);
  body(panel).replaceChildren(
    h('div', { class: 'big', 'data-field': 'hitRate', text: lookups ? `${(100 * c.hitRate).toFixed(1)} %` : '–' }),
    h('div', { class: 'sub', text: `hit rate · ${c.hits} hits / ${c.misses} misses` }),
    bar, legend,
    h('div', { class: 'kvs' }, [kv('lines', `${c.lines} / ${c.capacity}`), kv('bytes', `${fmt(c.bytes)} B`), kv('evictions', String(c.evictions)),
      kv('invalidations', `${c.invalidationsSent} sent · ${c.invalidationsReceived} recv`), kv('policy', c.writePolicy)]));
}

export function renderTopics(panel, topics) {
  const rows = topics.map((t) => h('tr', { 'data-topic': t.topic }, [
    td(t.topic, 'mono'), td(t.lastSeq, 'num'), td(t.lastSeq >= t.firstSeq ? `${t.firstSeq}…${t.lastSeq}` : '–', 'num'), td(t.subscribers, 'num'),
  ]));
  body(panel).replaceChildren(rows.length ? table(['topic', 'last seq', 'retained', 'subs'], rows) : h('p', { class: 'empty', text: 'no topic yet' }));
}
