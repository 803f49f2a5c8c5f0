// The dashboard's loop: every source is polled each second on its own, so a slow or failing endpoint
// (a lock list waiting for a quorum) delays and marks only its own panels; the others keep updating.
import { CHARTS, Series, ownSeries, parseProm } from './prom.js';
import { h, renderCache, renderLocks, renderMembers, renderQueues, renderRaft, renderTopics } from './panels.js';
import { lineChart } from './svg.js';

const POLL_MS = 1000;
const WINDOW_MS = 5 * 60 * 1000;
const TIMEOUT_MS = 8000;

const panel = (name) => document.querySelector(`[data-panel="${name}"]`);
const state = { status: null, raft: null, queues: null, metrics: null };

/** Errors per panel and source; a panel shows them all until each source answers again. */
const errors = new Map();
function setError(name, source, error) {
  const p = panel(name);
  const map = errors.get(name) ?? new Map();
  errors.set(name, map);
  if (error) map.set(source, error);
  else map.delete(source);
  const box = p.querySelector('.error');
  box.hidden = map.size === 0;
  box.textContent = [...map.values()].join('\n');
  p.classList.toggle('failing', map.size > 0);
}

/**
 * A node with security on wants a token. It comes as /#token=<jwt> (a fragment never reaches a server or its
 * logs), is kept for this tab only, and leaves the address bar at once.
 */
function takeToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('dsync-token', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('dsync-token');
}
const TOKEN = takeToken();

async function getJson(url) {
  let r;
  try {
    const headers = TOKEN ? { Authorization: `Bearer ${TOKEN}` } : {};
    r = await fetch(url, { cache: 'no-store', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new Error(`GET ${url}: ${e.name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : e.message}`);
  }
  if (!r.ok) {
    let detail = r.statusText;
    try {
      const p = await r.json();
      detail = p.detail ?? p.title ?? detail;
    } catch { /* not problem+json: keep the status text */ }
    if (r.status === 401) detail += ' (security is on: open the dashboard as /#token=<a reader token from dsync token issue --role reader>)';
    throw new Error(`GET ${url}: ${r.status} ${detail}`);
  }
  return url === '/metrics' ? r.text() : r.json();
}

/** Polls load() every POLL_MS, never two at once; render(data) on success, the error in the panels on failure. */
function poll(source, panels, load, render) {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const data = await load();
      render(data);
      for (const p of panels) setError(p, source, null);
    } catch (e) {
      for (const p of panels) setError(p, source, e.message);
    } finally {
      busy = false;
    }
  };
  tick();
  setInterval(tick, POLL_MS);
}

const series = new Map([...CHARTS.map((c) => [c.id, new Series(WINDOW_MS)]), ['raft-commit', new Series(WINDOW_MS)]]);
const chartDefs = [...CHARTS, { id: 'raft-commit', title: 'Raft commits/s (meta group)', unit: '/s' }];
let lastScrape = null;
let lastCommit = null;

function drawCharts() {
  const now = Date.now();
  panel('charts').querySelector('.body').replaceChildren(...chartDefs.map((c) =>
    h('div', { class: 'chart-box' }, [lineChart(series.get(c.id), { ...c, windowMs: WINDOW_MS, now })])));
}

function renderHeader(s) {
  document.title = `DistSync · ${s.nodeId}`;
  document.getElementById('node').textContent = s.nodeId;
  document.getElementById('summary').textContent =
    `${s.role} · term ${s.term} · leader ${s.leader ?? 'none'} · commit ${s.commitIndex} · applied ${s.lastApplied}`;
  document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

const raftPanel = () => { if (state.status) renderRaft(panel('raft'), state); };

poll('status', ['members', 'raft', 'header'], () => getJson('/status'), (s) => {
  state.status = s;
  const now = Date.now();
  if (lastCommit) {
    const dt = (now - lastCommit.t) / 1000;
    series.get('raft-commit').push(now, s.commitIndex >= lastCommit.v && dt > 0 ? (s.commitIndex - lastCommit.v) / dt : null);
  }
  lastCommit = { t: now, v: s.commitIndex };
  renderHeader(s);
  renderMembers(panel('members'), s);
  raftPanel();
});

poll('raft', ['raft'], () => getJson('/raft/status'), (r) => { state.raft = r; raftPanel(); });

poll('queues', ['queues', 'raft'], async () => {
  const list = await getJson('/queue/list');
  const names = list.map((q) => q.queue).filter((q) => !q.endsWith('.dlq'));
  const stats = await Promise.all(names.map((q) => getJson(`/queue/stats/${encodeURIComponent(q)}`)));
  return { list, stats };
}, (q) => {
  state.queues = q;
  renderQueues(panel('queues'), q);
  raftPanel();
});

poll('locks', ['locks'], () => getJson('/lock/list'), (l) => renderLocks(panel('locks'), l));
poll('cache', ['cache'], () => getJson('/cache/stats'), (c) => renderCache(panel('cache'), c));
poll('topics', ['broadcast'], () => getJson('/broadcast/topics'), (t) => renderTopics(panel('broadcast'), t));

poll('metrics', ['charts'], () => getJson('/metrics'), (text) => {
  // Until /status names this node, its own series cannot be told apart: wait rather than chart a mix.
  if (!state.status) return;
  const now = Date.now();
  const samples = ownSeries(parseProm(text), state.status.nodeId);
  if (lastScrape) {
    const dt = (now - lastScrape.t) / 1000;
    for (const c of CHARTS) series.get(c.id).push(now, dt > 0 ? c.value(lastScrape.samples, samples, dt) : null);
  }
  lastScrape = { t: now, samples };
  state.metrics = samples;
});

// Charts redraw on their own beat so the time axis moves even while /metrics fails.
drawCharts();
setInterval(drawCharts, POLL_MS);
