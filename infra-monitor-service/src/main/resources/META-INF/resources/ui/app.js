// Forge dashboard: plain ES modules, no framework and no CDN, on top of the monitor's REST + SSE API. The key lives
// in sessionStorage (this tab only) and goes in the Authorization header, also for live streams (fetch-based SSE).
// The monitor serves it under a strict Content-Security-Policy: no inline script or style, connections to itself.

import { SseParser } from './sse.js';

const KEY = 'forge.key';
const GATEWAY = 'forge.gateway';
const MAX_LIVE_ROWS = 1000;

const state = { key: sessionStorage.getItem(KEY), me: null, gateways: [], gateway: null, cleanups: [] };

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const badge = (v) => `<span class="badge ${esc(v)}">${esc(v ?? '–')}</span>`;
// a webapp's or runner's state, coloured like the health it amounts to
const stateBadge = (v) => `<span class="badge ${['running', 'healthy'].includes(v) ? 'passing' : v === 'stopped' ? 'STOPPED' : 'critical'}">${esc(v ?? '–')}</span>`;
const time = (v) => (v ? new Date(v).toLocaleTimeString() : '–');
const stamp = (v) => (v ? new Date(v).toLocaleString() : '–');
const json = (v) => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;
const utilClass = (p) => (p > 80 ? 'util-critical' : p >= 50 ? 'util-degraded' : 'util-healthy');

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, { method = 'GET', body, text, type = 'application/json' } = {}) {
  const headers = { Authorization: `Bearer ${state.key}`, Accept: 'application/json' };
  // a JSON value, or text sent as it is (a flow's YAML) with its own media type
  const payload = text !== undefined ? text : body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = type;
  const res = await fetch(path, { method, headers, body: payload });
  if (res.status === 401) {
    signOut('Your key was not accepted.');
    throw new ApiError(401, null);
  }
  const answer = await res.text();
  const data = answer && (res.headers.get('content-type') || '').includes('json') ? JSON.parse(answer) : answer;
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : { detail: answer });
  return { data, next: res.headers.get('Forge-Next-Cursor'), link: res.headers.get('Link') };
}
const get = async (path) => (await api(path)).data;

/**
 * A live SSE stream read with fetch (EventSource cannot send the key); reconnects until the view is left. Streams
 * and timers belong to an element of their view: when it leaves the page (the user moved on while the view was still
 * loading) they stop themselves.
 */
function live(owner, path, onItem, onState) {
  const controller = new AbortController();
  let stopped = false;
  // kept across reconnections: the stream resumes after the last event it delivered
  let lastEventId = '';
  let retryMs = 2000;
  const gone = () => {
    if (owner.isConnected) return false;
    stopped = true;
    controller.abort();
    return true;
  };
  const run = async () => {
    while (!stopped && !gone()) {
      try {
        const headers = { Authorization: `Bearer ${state.key}`, Accept: 'text/event-stream' };
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        const res = await fetch(path, { headers, signal: controller.signal });
        if (!res.ok) throw new ApiError(res.status, null);
        onState?.('live');
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        const parser = new SseParser((event) => {
          lastEventId = event.lastEventId;
          if (gone()) return;
          try { onItem(JSON.parse(event.data), event); } catch (e) { console.warn('bad stream item', e); }
        });
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
          if (parser.retry !== null) retryMs = parser.retry;
        }
      } catch (e) {
        if (stopped) return;
        onState?.(`reconnecting (${e.message})`);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  run();
  state.cleanups.push(() => { stopped = true; controller.abort(); });
}

/**
 * A live table: rows appended as they stream in, the newest MAX_LIVE_ROWS kept, scrolled to the end while
 * auto-scroll is on (a checkbox, or always without one), the stream's state shown in `status` if given. The returned
 * function (re)starts it on a stream path, stopping the previous stream; its `stop()` ends it.
 */
function liveTable(el, { rows, scroll, autoscroll, status, render, onItem }) {
  let stop = null;
  state.cleanups.push(() => stop?.());
  const restart = (path) => {
    stop?.();
    const before = state.cleanups.length;
    live(el, path, (item) => {
      onItem?.(item);
      rows.insertAdjacentHTML('beforeend', render(item));
      while (rows.children.length > MAX_LIVE_ROWS) rows.firstElementChild.remove();
      if (!autoscroll || autoscroll.checked) scroll.scrollTop = 1e9;
    }, (s) => { if (status) status.textContent = s; });
    const mine = state.cleanups.splice(before);
    stop = () => mine.forEach((fn) => fn());
  };
  restart.stop = () => stop?.();
  return restart;
}

function every(owner, ms, fn) {
  const id = setInterval(() => (owner.isConnected ? fn() : clearInterval(id)), ms);
  state.cleanups.push(() => clearInterval(id));
}

function debounce(ms, fn) {
  let t = null;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}

function showProblem(el, e) {
  el.innerHTML = `<div class="problem" role="alert">${esc(e.message)}</div>`;
}

// ---- roles and navigation -----------------------------------------------------------------------------------

const INFRA = ['admin', 'operator'];
const VIEWS = {
  gateways: { title: 'Gateways', roles: INFRA, render: gatewaysView },
  deployments: { title: 'Deployments', roles: INFRA, gateway: true, render: deploymentsView },
  capacity: { title: 'Capacity', roles: INFRA, gateway: true, render: capacityView },
  events: { title: 'Events', roles: INFRA, gateway: true, render: eventsView },
  debug: { title: 'Debug', roles: ['admin', 'developer'], render: debugView },
  registry: { title: 'Registry', roles: ['admin'], render: registryView },
  mcp: { title: 'MCP servers', roles: ['admin'], gateway: true, render: mcpView },
  webapps: { title: 'Webapps', roles: INFRA, render: webappsView },
  runs: { title: 'Runs', roles: ['admin', 'operator', 'developer', 'viewer'], gateway: true, render: runsView },
  waiting: { title: 'Waiting for input', roles: ['admin', 'operator', 'developer', 'viewer'], gateway: true, render: waitingView },
  schedules: { title: 'Schedules', roles: ['admin', 'operator', 'developer', 'viewer'], gateway: true, render: schedulesView },
  webhooks: { title: 'Webhooks', roles: ['admin', 'operator', 'developer', 'viewer'], gateway: true, render: webhooksView },
  flows: { title: 'Flows', roles: ['admin', 'operator', 'developer', 'viewer'], gateway: true, render: flowsView },
};
const can = (view) => VIEWS[view].roles.includes(state.me?.role);
const isAdmin = () => state.me?.role === 'admin';
const canAct = () => ['admin', 'operator', 'developer'].includes(state.me?.role);

async function signIn(key) {
  state.key = key;
  try {
    state.me = await get('/v1/me');
  } catch (e) {
    state.key = null;
    throw e;
  }
  sessionStorage.setItem(KEY, key);
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#whoami').textContent = `${state.me.role} · ${state.me.workspace_id}`;
  $('#nav').innerHTML = Object.entries(VIEWS).filter(([id]) => can(id))
    .map(([id, v]) => `<a href="#/${id}" data-view="${id}">${esc(v.title)}</a>`).join('');
  await loadGateways();
  route();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  state.key = null;
  state.me = null;
  cleanup();
  $('#app').hidden = true;
  $('#signin').hidden = false;
  $('#signin-key').value = '';
  $('#signin-error').textContent = message || '';
}

function cleanup() {
  state.cleanups.splice(0).forEach((fn) => fn());
}

async function loadGateways() {
  if (INFRA.includes(state.me.role)) {
    try {
      state.gateways = await get('/v1/gateways');
    } catch (e) {
      state.gateways = [];
    }
  } else {
    state.gateways = [{ id: state.me.default_gateway, name: state.me.default_gateway, status: null }];
  }
  const saved = sessionStorage.getItem(GATEWAY);
  if (!state.gateway || !state.gateways.some((g) => g.id === state.gateway)) {
    const usable = state.gateways.find((g) => g.status === 'connected') || state.gateways[0];
    state.gateway = state.gateways.some((g) => g.id === saved) ? saved : usable?.id ?? null;
  }
  const select = $('#gateway-select');
  select.innerHTML = state.gateways.map((g) => `<option value="${esc(g.id)}" ${g.id === state.gateway ? 'selected' : ''}>${esc(g.name || g.id)}${g.status ? ` (${esc(g.status)})` : ''}</option>`).join('');
  const current = state.gateways.find((g) => g.id === state.gateway);
  $('#gateway-status').outerHTML = `<span id="gateway-status" class="badge ${esc(current?.status ?? '')}">${esc(current?.status ?? '')}</span>`;
}

/** Health-tests the selected gateway (where the role may) before a view fetches its data. */
async function testSelectedGateway() {
  if (!state.gateway || !INFRA.includes(state.me.role)) return true;
  try {
    const g = await get(`/v1/gateways/${encodeURIComponent(state.gateway)}`);
    if (g.status === 'connected' || g.status === 'degraded') return true;
    const tested = (await api(`/v1/gateways/${encodeURIComponent(state.gateway)}/test`, { method: 'POST' })).data;
    return tested.status === 'connected' || tested.status === 'degraded';
  } catch (e) {
    return false;
  }
}

async function route() {
  if (!state.me) return;
  cleanup();
  if (INFRA.includes(state.me.role)) every(document.body, 5000, loadGateways);
  let view = (location.hash.match(/^#\/(\w+)/) || [])[1];
  if (!view || !VIEWS[view] || !can(view)) {
    view = Object.keys(VIEWS).find(can);
    history.replaceState(null, '', `#/${view}`);
  }
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
  $('#gateway-picker').hidden = !VIEWS[view].gateway;
  const el = $('#view');
  el.innerHTML = `<h2>${esc(VIEWS[view].title)}</h2><div id="body" class="muted">Loading…</div>`;
  const body = $('#body', el);
  if (VIEWS[view].gateway) {
    if (!state.gateway) {
      body.innerHTML = '<p class="muted">No gateway is configured.</p>';
      return;
    }
    if (!(await testSelectedGateway())) {
      body.innerHTML = `<div class="problem" role="alert">Gateway ${esc(state.gateway)} did not pass its health test; pick another or check it on the Gateways view.</div>`;
      return;
    }
  }
  body.classList.remove('muted');
  try {
    await VIEWS[view].render(body, new URLSearchParams(location.hash.split('?')[1] || ''));
  } catch (e) {
    showProblem(body, e);
  }
}

// ---- Gateways -----------------------------------------------------------------------------------------------

async function gatewaysView(el) {
  el.innerHTML = `<div class="cards" id="gw-cards"></div>
    <div id="gw-problem"></div>
    <table><thead><tr><th>Gateway</th><th>URL</th><th>Datacenter</th><th>Source</th><th>Status</th><th>Latency</th>
      <th>Last check</th><th>Version</th><th></th></tr></thead><tbody id="gw-rows"></tbody></table>
    ${isAdmin() ? `<h3 id="gw-form-title">Add a gateway</h3>
    <form id="gw-form" class="inline">
      <label>Id <input name="id" required pattern="[a-z0-9][a-z0-9-]{0,62}" placeholder="eu-1"></label>
      <label>Name <input name="name" placeholder="Europe 1"></label>
      <label>URL <input name="url" required type="url" placeholder="https://gateway.example:51000"></label>
      <label>Datacenter <input name="datacenter"></label>
      <label>Token <input name="token" type="password" autocomplete="off" placeholder="bearer token"></label>
      <button class="primary" type="submit">Save</button>
      <button type="button" id="gw-cancel" hidden>Cancel</button>
    </form>` : ''}`;
  let editing = null;
  const render = (list) => {
    const counts = { connected: 0, degraded: 0, disconnected: 0, testing: 0 };
    list.forEach((g) => { counts[g.status] = (counts[g.status] || 0) + 1; });
    $('#gw-cards', el).innerHTML = Object.entries(counts).map(([k, v]) => `<div class="card"><div class="label">${k}</div><div class="value" data-count="${k}">${v}</div></div>`).join('');
    $('#gw-rows', el).innerHTML = list.map((g) => `<tr data-id="${esc(g.id)}">
      <td><strong>${esc(g.name || g.id)}</strong><div class="muted">${esc(g.id)}</div></td><td>${esc(g.url)}</td>
      <td>${esc(g.datacenter)}</td><td>${esc(g.source)}</td><td>${badge(g.status)}${g.error ? `<div class="muted">${esc(g.error)}</div>` : ''}</td>
      <td>${g.latency_ms ?? '–'} ms</td><td>${time(g.last_check_at)}</td><td>${esc(g.version ?? '–')}</td>
      <td><button data-act="test">Test</button>
        ${isAdmin() && g.source === 'api' ? '<button data-act="edit">Edit</button> <button data-act="delete" class="danger">Delete</button>' : ''}</td></tr>`).join('');
  };
  const refresh = async () => render(state.gateways = await get('/v1/gateways'));
  await refresh();
  const onChange = debounce(300, refresh);
  live(el, '/v1/gateways/stream', onChange);
  every(el, 5000, refresh);
  $('#gw-rows', el).addEventListener('click', async (ev) => {
    const act = ev.target.dataset?.act;
    const id = ev.target.closest('tr')?.dataset.id;
    if (!act || !id) return;
    const problem = $('#gw-problem', el);
    problem.innerHTML = '';
    try {
      if (act === 'test') {
        ev.target.disabled = true;
        await api(`/v1/gateways/${encodeURIComponent(id)}/test`, { method: 'POST' });
      } else if (act === 'delete') {
        if (!confirm(`Delete gateway ${id}?`)) return;
        await api(`/v1/gateways/${encodeURIComponent(id)}`, { method: 'DELETE' });
      } else if (act === 'edit') {
        const g = state.gateways.find((x) => x.id === id);
        editing = id;
        const form = $('#gw-form', el);
        form.id.value = g.id;
        form.id.disabled = true;
        form.name.value = g.name || '';
        form.url.value = g.url;
        form.datacenter.value = g.datacenter || '';
        form.token.value = '';
        form.token.placeholder = g.token_configured ? 'unchanged (set to replace)' : 'bearer token';
        $('#gw-form-title', el).textContent = `Edit ${id}`;
        $('#gw-cancel', el).hidden = false;
      }
      await refresh();
    } catch (e) {
      showProblem(problem, e);
    }
  });
  const form = $('#gw-form', el);
  if (!form) return;
  const reset = () => {
    editing = null;
    form.reset();
    form.id.disabled = false;
    form.token.placeholder = 'bearer token';
    $('#gw-form-title', el).textContent = 'Add a gateway';
    $('#gw-cancel', el).hidden = true;
  };
  $('#gw-cancel', el).addEventListener('click', reset);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: form.name.value || undefined, url: form.url.value, datacenter: form.datacenter.value || undefined };
    if (form.token.value) body.token = form.token.value;
    try {
      if (editing) {
        await api(`/v1/gateways/${encodeURIComponent(editing)}`, { method: 'PATCH', body });
      } else {
        await api('/v1/gateways', { method: 'POST', body: { id: form.id.value, ...body } });
      }
      reset();
      await refresh();
      await loadGateways();
    } catch (e) {
      showProblem($('#gw-problem', el), e);
    }
  });
}

// ---- Deployments ----------------------------------------------------------------------------------------------

async function deploymentsView(el) {
  el.innerHTML = `<div class="cards" id="dep-cards"></div>
    <div class="split"><div><table><thead><tr><th>Executor</th><th>Status</th><th>Nodes</th><th>Slots used / total</th>
      <th>Last heartbeat</th></tr></thead><tbody id="dep-rows"></tbody></table>
      <h3>Nodes</h3><table><thead><tr><th>Node</th><th>Host</th><th>Status</th><th>Slots</th><th>Heartbeat</th></tr></thead>
      <tbody id="dep-nodes"></tbody></table>
      <h3>Desired states by epoch</h3><div id="dep-desired"></div></div>
      <div class="panel" id="dep-detail"><p class="muted">Select an executor for its details.</p></div></div>
    <p class="muted" id="dep-fetched"></p>`;
  let selected = null;
  let last = null;
  const detail = () => {
    const d = last?.deployments?.find((x) => x.executor === selected);
    $('#dep-detail', el).innerHTML = d ? `<h3>${esc(d.executor)} ${badge(d.status)}</h3>
      <p>${d.nodes} serving of ${d.nodes_total} node(s); last heartbeat ${stamp(d.last_heartbeat_at)}</p>
      <h3>Capacity</h3>${json(d.capacity)}<h3>Nodes</h3>
      <ul>${(d.node_ids || []).map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
      : '<p class="muted">Select an executor for its details.</p>';
  };
  const render = (snapshot) => {
    last = snapshot.deployments;
    const s = last.summary || {};
    $('#dep-cards', el).innerHTML = [['Total executors', s.total_executors], ['Total nodes', s.total_nodes],
      ['Active deployments', s.active_deployments], ['Healthy', `${s.healthy_percent ?? 0} %`]]
      .map(([k, v]) => `<div class="card"><div class="label">${k}</div><div class="value">${esc(v)}</div></div>`).join('');
    $('#dep-rows', el).innerHTML = (last.deployments || []).map((d) => `<tr class="clickable ${d.executor === selected ? 'selected' : ''}" data-executor="${esc(d.executor)}">
      <td>${esc(d.executor)}</td><td>${badge(d.status)}</td><td>${d.nodes} / ${d.nodes_total}</td>
      <td>${d.capacity?.slots_used ?? '–'} / ${d.capacity?.slots_total ?? '–'}</td><td>${stamp(d.last_heartbeat_at)}</td></tr>`).join('')
      || '<tr><td colspan="5" class="muted">No executors.</td></tr>';
    $('#dep-nodes', el).innerHTML = (last.nodes || []).map((n) => `<tr data-node="${esc(n.id)}"><td>${esc(n.id)}</td><td>${esc(n.host)}</td>
      <td>${badge(n.status)}</td><td>${n.slots_used} / ${n.slots_total}</td><td>${stamp(n.heartbeat_at)} (${n.seconds_since_heartbeat} s ago)</td></tr>`).join('')
      || '<tr><td colspan="5" class="muted">No nodes.</td></tr>';
    $('#dep-desired', el).innerHTML = (last.desired || []).map((e) => `<details open><summary>Epoch ${esc(e.epoch)} · ${e.states.length} state(s)</summary>
      <table><thead><tr><th>Run</th><th>Phase</th><th>Worker</th><th>Attempt</th><th>Lease until</th></tr></thead><tbody>
      ${e.states.map((st) => `<tr><td>${esc(st.run_id)}</td><td>${badge(st.phase)}</td><td>${esc(st.worker_id ?? '–')}</td><td>${st.attempt}</td><td>${time(st.lease_expires_at)}</td></tr>`).join('')}
      </tbody></table></details>`).join('') || '<p class="muted">Nothing scheduled.</p>';
    $('#dep-fetched', el).textContent = `Fetched ${stamp(snapshot.fetched_at)} from ${snapshot.gateway_id}; refreshed every 10 s.`;
    detail();
  };
  const gw = encodeURIComponent(state.gateway);
  const refresh = async () => render(await get(`/v1/deployments?gateway=${gw}`));
  await refresh();
  every(el, 10000, refresh);
  live(el, `/v1/deployments/stream?gateway=${gw}`, (item) => item.deployments && render(item));
  $('#dep-rows', el).addEventListener('click', (ev) => {
    const row = ev.target.closest('tr[data-executor]');
    if (!row) return;
    selected = row.dataset.executor;
    el.querySelectorAll('#dep-rows tr').forEach((r) => r.classList.toggle('selected', r === row));
    detail();
  });
}

// ---- Capacity ---------------------------------------------------------------------------------------------------

function trendChart(samples) {
  const w = 720;
  const h = 180;
  if (samples.length < 2) return '<p class="muted">The trend appears after two samples (one every 30 s).</p>';
  const t0 = Date.parse(samples[0].sampled_at);
  const t1 = Date.parse(samples[samples.length - 1].sampled_at) || t0 + 1;
  const x = (t) => 40 + ((Date.parse(t) - t0) / Math.max(1, t1 - t0)) * (w - 50);
  const y = (p) => 10 + (1 - Math.min(100, p) / 100) * (h - 30);
  const points = samples.map((s) => `${x(s.sampled_at).toFixed(1)},${y(s.utilization_percent).toFixed(1)}`).join(' ');
  return `<svg id="cap-trend" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" class="chart" role="img" aria-label="Utilization trend">
    <rect x="40" y="${y(100)}" width="${w - 50}" height="${y(80) - y(100)}" fill="#fde4e4"/>
    <rect x="40" y="${y(80)}" width="${w - 50}" height="${y(50) - y(80)}" fill="#fff3d6"/>
    <rect x="40" y="${y(50)}" width="${w - 50}" height="${y(0) - y(50)}" fill="#e3f6ea"/>
    ${[0, 50, 80, 100].map((p) => `<text x="4" y="${y(p) + 4}">${p} %</text>`).join('')}
    <polyline points="${points}" fill="none" stroke="#2f5bd3" stroke-width="2"/>
    <text x="40" y="${h - 4}">${esc(new Date(t0).toLocaleTimeString())}</text>
    <text x="${w - 70}" y="${h - 4}">${esc(new Date(t1).toLocaleTimeString())}</text></svg>`;
}

async function capacityView(el) {
  el.innerHTML = `<div class="cards" id="cap-cards"></div>
    <h3>Per gateway</h3><table><thead><tr><th>Gateway</th><th>Capacity</th><th>Used</th><th>Available</th><th>Utilization</th><th>Health</th></tr></thead>
    <tbody id="cap-gateways"></tbody></table>
    <h3>Slots</h3><table><thead><tr><th>Holder</th><th>Capacity</th><th>Used</th><th>Available</th><th>Utilization</th><th>Holding</th></tr></thead>
    <tbody id="cap-slots"></tbody></table>
    <h3>Per workspace</h3><table><thead><tr><th>Workspace</th><th>Running</th><th>Max concurrent</th><th>Queued</th><th>Waiting for input</th><th>Runs / minute</th></tr></thead>
    <tbody id="cap-workspaces"></tbody></table>
    <h3>Utilization trend (last hour)</h3><div class="panel" id="cap-chart"></div>`;
  const previous = new Map();
  const limit = (n) => (n > 0 ? n : '—');
  const render = (o) => {
    $('#cap-cards', el).innerHTML = `<div class="card"><div class="label">Connected gateways</div><div class="value">${o.connected_gateways}</div></div>
      <div class="card"><div class="label">Total capacity</div><div class="value">${o.total_capacity}</div></div>
      <div class="card ${utilClass(o.utilization_percent)}" id="cap-utilization"><div class="label">Utilization</div><div class="value ${utilClass(o.utilization_percent)}">${o.utilization_percent} %</div></div>
      <div class="card"><div class="label">Health</div><div class="value">${badge(o.health)}</div></div>`;
    $('#cap-gateways', el).innerHTML = o.gateways.map((g) => {
      const t = g.capacity.totals || {};
      return `<tr><td>${esc(g.gateway_id)}</td><td>${t.capacity}</td><td>${t.used}</td><td>${t.available}</td>
        <td class="${utilClass(t.utilization_percent)}">${t.utilization_percent} %</td><td>${badge(g.health)}</td></tr>`;
    }).join('');
    const rows = [];
    for (const g of o.gateways) {
      for (const s of g.capacity.slots || []) {
        const key = `${g.gateway_id}/${s.worker_id || s.name}`;
        const before = previous.get(key);
        const changed = (f) => (before && before[f] !== s[f] ? ' changed' : '');
        previous.set(key, s);
        rows.push(`<tr data-slot="${esc(key)}"><td>${esc(s.name)}</td><td class="${changed('capacity')}">${s.capacity}</td>
          <td class="${changed('used')}">${s.used}</td><td class="${changed('available')}">${s.available}</td>
          <td class="util ${utilClass(s.utilization_percent)}${changed('utilization_percent')}" data-health="${esc(s.health)}">${s.utilization_percent} %</td>
          <td>${(s.holders || []).map((hd) => esc(typeof hd === 'string' ? hd : hd.run_id || hd.executor || JSON.stringify(hd))).join('<br>')}</td></tr>`);
      }
    }
    $('#cap-slots', el).innerHTML = rows.join('') || '<tr><td colspan="6" class="muted">No slots.</td></tr>';
  };
  const gw = encodeURIComponent(state.gateway);
  // each workspace's runs against its limits (every workspace for a platform admin's key, else the key's own)
  const workspaces = async () => {
    const usage = await get(`/v1/gateways/${gw}/api/v1/limits/usage`);
    $('#cap-workspaces', el).innerHTML = usage.map((w) => `<tr data-workspace="${esc(w.workspace_id)}"><td>${esc(w.workspace_id)}</td>
      <td class="${w.max_concurrent > 0 ? utilClass(Math.round((100 * w.running) / w.max_concurrent)) : ''}">${w.running}</td>
      <td>${limit(w.max_concurrent)}</td><td>${w.queued}</td><td>${w.waiting}</td><td>${limit(w.runs_per_minute)}</td></tr>`).join('')
      || '<tr><td colspan="6" class="muted">No runs.</td></tr>';
  };
  const refresh = async () => {
    render(await get(`/v1/capacity?gateway=${gw}&refresh=true`));
    await workspaces().catch(() => {});
  };
  const chart = async () => { $('#cap-chart', el).innerHTML = trendChart(await get(`/v1/capacity/samples?gateway=${gw}`)); };
  await Promise.all([refresh(), chart()]);
  every(el, 30000, refresh);
  every(el, 30000, chart);
  // a capacity change redraws the slots and the trend together (the trend used to wait for its 30 s timer)
  live(el, `/v1/capacity/stream?gateway=${gw}`, debounce(200, () => Promise.all([refresh(), chart()])));
}

// ---- Events -----------------------------------------------------------------------------------------------------

function eventRow(e) {
  return `<tr data-event="${e.id}" data-run="${esc(e.run_id)}" data-type="${esc(e.type)}"><td>${time(e.created_at)}</td><td>${esc(e.type)}</td>
    <td>${badge(e.severity)}</td><td>${esc(e.workflow ?? '')}</td><td>${esc(e.run_id ?? '')}</td>
    <td><details><summary>payload</summary>${json(e.payload)}</details></td></tr>`;
}
const EVENT_HEAD = '<thead><tr><th>Time</th><th>Type</th><th>Severity</th><th>Workflow</th><th>Run</th><th></th></tr></thead>';

async function eventsView(el) {
  el.innerHTML = `<div class="tabs"><button data-tab="live" class="active">Live</button><button data-tab="history">History</button></div>
    <section id="ev-live"><div class="toolbar">
      <label>Type <input id="ev-live-type" placeholder="run.succeeded,run.failed"></label>
      <label>Severity <select id="ev-live-severity"><option value="">any</option><option>info</option><option>warning</option><option>error</option></select></label>
      <button id="ev-live-apply">Apply</button>
      <label><input type="checkbox" id="ev-autoscroll" checked> Auto-scroll</label>
      <span class="muted" id="ev-rate">0 events/min</span> <span class="muted" id="ev-state"></span></div>
      <div class="scroll" id="ev-live-scroll"><table>${EVENT_HEAD}<tbody id="ev-live-rows"></tbody></table></div></section>
    <section id="ev-history" hidden>
      <form id="ev-filter" class="inline">
        <label>Run <input name="run_id" placeholder="uuid"></label><label>Workflow <input name="workflow"></label>
        <label>Type <input name="type"></label>
        <label>Severity <select name="severity"><option value="">any</option><option>info</option><option>warning</option><option>error</option></select></label>
        <label>Since <input name="since" type="datetime-local"></label><label>Until <input name="until" type="datetime-local"></label>
        <button class="primary">Filter</button></form>
      <form id="ev-search" class="inline spaced"><label>Search by meaning <input name="q" size="40" placeholder="the step ran out of time"></label>
        <button>Search</button></form>
      <div id="ev-problem"></div>
      <table>${EVENT_HEAD}<tbody id="ev-history-rows"></tbody></table>
      <div class="toolbar"><button id="ev-older" hidden>Older</button> <span class="muted" id="ev-count"></span></div></section>`;
  el.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => {
    el.querySelectorAll('.tabs button').forEach((x) => x.classList.toggle('active', x === b));
    $('#ev-live', el).hidden = b.dataset.tab !== 'live';
    $('#ev-history', el).hidden = b.dataset.tab !== 'history';
  }));
  const gw = encodeURIComponent(state.gateway);
  const arrivals = [];
  const rows = $('#ev-live-rows', el);
  const showRate = () => {
    const cutoff = Date.now() - 60000;
    while (arrivals.length && arrivals[0] < cutoff) arrivals.shift();
    $('#ev-rate', el).textContent = `${arrivals.length} events/min`;
  };
  const stream = liveTable(el, { rows, scroll: $('#ev-live-scroll', el), autoscroll: $('#ev-autoscroll', el),
    status: $('#ev-state', el), render: eventRow, onItem: () => { arrivals.push(Date.now()); showRate(); } });
  const startLive = () => {
    const params = new URLSearchParams({ gateway: state.gateway });
    const type = $('#ev-live-type', el).value.trim();
    const severity = $('#ev-live-severity', el).value;
    if (type) params.set('type', type);
    if (severity) params.set('severity', severity);
    stream(`/v1/events/stream?${params}`);
  };
  startLive();
  $('#ev-live-apply', el).addEventListener('click', () => { rows.innerHTML = ''; startLive(); });
  every(el, 1000, showRate);

  let before = null;
  let shown = 0;
  const history = async (append) => {
    const form = $('#ev-filter', el);
    const params = new URLSearchParams({ gateway: state.gateway, limit: '100' });
    for (const name of ['run_id', 'workflow', 'type', 'severity']) if (form[name].value) params.set(name, form[name].value.trim());
    for (const name of ['since', 'until']) if (form[name].value) params.set(name, new Date(form[name].value).toISOString());
    if (append && before) params.set('before', before);
    $('#ev-problem', el).innerHTML = '';
    try {
      const { data, link } = await api(`/v1/events?${params}`);
      const body = $('#ev-history-rows', el);
      if (!append) { body.innerHTML = ''; shown = 0; }
      body.insertAdjacentHTML('beforeend', data.map(eventRow).join(''));
      shown += data.length;
      before = data.length ? data[data.length - 1].id : null;
      $('#ev-older', el).hidden = !link;
      $('#ev-count', el).textContent = `${shown} event(s)`;
    } catch (e) {
      showProblem($('#ev-problem', el), e);
    }
  };
  $('#ev-filter', el).addEventListener('submit', (ev) => { ev.preventDefault(); history(false); });
  $('#ev-older', el).addEventListener('click', () => history(true));
  $('#ev-search', el).addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = ev.target.q.value.trim();
    if (!q) return;
    $('#ev-problem', el).innerHTML = '';
    try {
      const hits = await get(`/v1/events/search?gateway=${gw}&k=20&q=${encodeURIComponent(q)}`);
      $('#ev-history-rows', el).innerHTML = hits.map((h) => eventRow(h).replace('<td>', `<td title="score ${h.score}">`)).join('')
        || '<tr><td colspan="6" class="muted">Nothing similar.</td></tr>';
      $('#ev-older', el).hidden = true;
      $('#ev-count', el).textContent = `${hits.length} by similarity`;
    } catch (e) {
      showProblem($('#ev-problem', el), e);
    }
  });
  history(false);
}

// ---- Debug ------------------------------------------------------------------------------------------------------

function logRow(l) {
  return `<tr data-run="${esc(l.run_id)}"><td>${time(l.logged_at)}</td><td>${esc(l.service)}</td><td>${badge((l.level || '').toLowerCase())}</td>
    <td class="log-line">${esc(l.message)}</td><td>${esc(l.run_id ?? '')}</td><td>${esc(l.trace_id ?? '')}</td></tr>`;
}
const LOG_HEAD = '<thead><tr><th>Time</th><th>Service</th><th>Level</th><th>Message</th><th>Run</th><th>Trace</th></tr></thead>';

async function debugView(el, params) {
  el.innerHTML = `<div class="tabs"><button data-tab="logs" class="active">Live logs</button><button data-tab="context">Run context</button>
      ${isAdmin() ? '<button data-tab="info">Gateway debug</button>' : ''}</div>
    <section data-pane="logs"><form id="log-filter" class="toolbar">
      <label>Service <input name="service" placeholder="forge-worker"></label>
      <label>Level <select name="level"><option value="">any</option><option>debug</option><option>info</option><option>warn</option><option>error</option></select></label>
      <label>Contains <input name="q"></label><label>Run <input name="run_id"></label>
      <button class="primary">Apply</button><label><input type="checkbox" id="log-autoscroll" checked> Auto-scroll</label>
      <span class="muted" id="log-state"></span></form>
      <div class="scroll" id="log-scroll"><table>${LOG_HEAD}<tbody id="log-rows"></tbody></table></div></section>
    <section data-pane="context" hidden><form id="ctx-form" class="inline"><label>Run id <input name="run" size="40" required></label>
      <button class="primary">Reconstruct</button></form><div id="ctx-body"></div></section>
    <section data-pane="info" hidden><div id="info-body"></div></section>`;
  const show = (tab) => {
    el.querySelectorAll('.tabs button').forEach((x) => x.classList.toggle('active', x.dataset.tab === tab));
    el.querySelectorAll('section[data-pane]').forEach((p) => { p.hidden = p.dataset.pane !== tab; });
  };
  el.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => {
    show(b.dataset.tab);
    if (b.dataset.tab === 'info') get(`/v1/debug?gateway=${encodeURIComponent(state.gateway)}`)
      .then((d) => { $('#info-body', el).innerHTML = json(d); }, (e) => showProblem($('#info-body', el), e));
  }));
  const rows = $('#log-rows', el);
  const stream = liveTable(el, { rows, scroll: $('#log-scroll', el), autoscroll: $('#log-autoscroll', el),
    status: $('#log-state', el), render: logRow });
  const start = async () => {
    const form = $('#log-filter', el);
    const query = new URLSearchParams();
    for (const name of ['service', 'level', 'q', 'run_id']) if (form[name].value) query.set(name, form[name].value.trim());
    try {
      const recent = await get(`/v1/logs?${query}&limit=200`);
      rows.innerHTML = recent.slice().reverse().map(logRow).join('');
    } catch (e) {
      rows.innerHTML = `<tr><td colspan="6" class="error">${esc(e.message)}</td></tr>`;
      return;
    }
    stream(`/v1/logs/stream?${query}`);
  };
  $('#log-filter', el).addEventListener('submit', (ev) => { ev.preventDefault(); start(); });
  start();
  const context = async (id) => {
    const out = $('#ctx-body', el);
    out.innerHTML = '<p class="muted">Loading…</p>';
    try {
      const c = await get(`/v1/runs/${encodeURIComponent(id)}/context`);
      out.innerHTML = `<div class="cards"><div class="card"><div class="label">Status</div><div class="value">${badge(c.run.status)}</div></div>
        <div class="card"><div class="label">Flow</div><div class="value">${esc(c.run.flow)}</div></div>
        <div class="card"><div class="label">Checkpoints</div><div class="value">${c.checkpoints.length}</div></div>
        <div class="card"><div class="label">Events</div><div class="value">${c.events.length}</div></div>
        <div class="card"><div class="label">Log records</div><div class="value">${c.logs.length}</div></div></div>
        <p>Trace ids: <span id="ctx-traces">${(c.trace_ids || []).map(esc).join(', ') || '–'}</span></p>
        <h3>Run</h3>${json(c.run)}
        <h3>Checkpoints</h3>${c.checkpoints.map((k) => `<details><summary>Step ${k.step_index} · ${esc(k.metadata?.executor ?? '')}</summary>${json(k.state)}</details>`).join('')}
        <h3>Events</h3><table>${EVENT_HEAD}<tbody>${c.events.map(eventRow).join('')}</tbody></table>
        <h3>Logs</h3><table>${LOG_HEAD}<tbody>${c.logs.map(logRow).join('')}</tbody></table>`;
    } catch (e) {
      showProblem(out, e);
    }
  };
  $('#ctx-form', el).addEventListener('submit', (ev) => { ev.preventDefault(); context(ev.target.run.value.trim()); });
  if (params.get('run')) {
    show('context');
    $('#ctx-form', el).run.value = params.get('run');
    context(params.get('run'));
  }
}

// ---- Registry -----------------------------------------------------------------------------------------------------

async function registryView(el) {
  const [catalog, compat] = await Promise.all([get('/v1/registry/services'), get('/v1/registry/compatibility')]);
  const uptime = (s) => (s == null ? '–' : s > 3600 ? `${(s / 3600).toFixed(1)} h` : s > 60 ? `${Math.round(s / 60)} min` : `${s} s`);
  el.innerHTML = `<table id="reg-services"><thead><tr><th>Service</th><th>Id</th><th>Health</th><th>Version</th><th>Uptime</th><th>Endpoints</th><th>Capabilities</th></tr></thead><tbody>
    ${catalog.services.map((s) => `<tr data-kind="${esc(s.kind)}"><td>${esc(s.kind)}</td><td>${esc(s.id)}</td><td>${badge(s.health)}</td><td>${esc(s.version ?? '–')}</td>
      <td>${uptime(s.uptime_seconds)}</td><td><details><summary>${Object.keys(s.endpoints || {}).length} endpoint field(s)</summary>${json(s.endpoints)}</details></td>
      <td>${s.capabilities ? `<details><summary>capabilities</summary>${json(s.capabilities)}</details>` : '–'}</td></tr>`).join('')}</tbody></table>
    <h3>Version compatibility</h3><p class="muted">${esc(compat.rule)}</p>
    <table><thead><tr><th>From</th><th>To</th><th>Compatible</th><th>Reason</th></tr></thead><tbody>
    ${(compat.pairs || []).map((p) => `<tr><td>${esc(p.from)} ${esc(p.from_version ?? '')}</td><td>${esc(p.to)} ${esc(p.to_version ?? '')}</td>
      <td>${p.compatible == null ? badge('unknown') : badge(p.compatible ? 'passing' : 'critical')}</td><td>${esc(p.reason)}</td></tr>`).join('')}</tbody></table>`;
}

// ---- MCP servers ----------------------------------------------------------------------------------------------------

async function mcpView(el) {
  const gw = encodeURIComponent(state.gateway);
  el.innerHTML = `<div id="mcp-problem"></div><table><thead><tr><th>Name</th><th>Transport</th><th>Endpoint</th><th>Auth</th><th>Health</th><th></th></tr></thead>
    <tbody id="mcp-rows"></tbody></table><div id="mcp-detail"></div>
    <h3>Register an MCP server</h3>
    <form id="mcp-form" class="inline">
      <label>Name <input name="name" required pattern="[a-z0-9][a-z0-9-]*"></label>
      <label>Transport <select name="transport"><option>streamable_http</option><option>sse</option><option>stdio</option></select></label>
      <label>URL <input name="url" placeholder="https://mcp.example/mcp"></label>
      <label>Command (stdio) <input name="command"></label>
      <label>Auth header <input name="header" placeholder="Authorization"></label>
      <label>Secret <input name="secret" type="password" autocomplete="off"></label>
      <button class="primary">Register</button></form>`;
  const refresh = async () => {
    const list = await get(`/v1/mcp/servers?gateway=${gw}`);
    $('#mcp-rows', el).innerHTML = list.map((s) => `<tr data-id="${esc(s.id)}"><td>${esc(s.name)}</td><td>${esc(s.transport)}</td>
      <td>${esc(s.url || s.command || '')}</td><td>${s.auth?.configured ? `${esc(s.auth.header)} (set)` : '–'}</td>
      <td>${badge(s.health?.status || s.status || 'unknown')}</td>
      <td><button data-act="test">Test connection</button> <button data-act="tools">Discover tools</button></td></tr>`).join('')
      || '<tr><td colspan="6" class="muted">No MCP servers registered.</td></tr>';
  };
  await refresh();
  $('#mcp-rows', el).addEventListener('click', async (ev) => {
    const act = ev.target.dataset?.act;
    const id = ev.target.closest('tr')?.dataset.id;
    if (!act || !id) return;
    const out = $('#mcp-detail', el);
    try {
      if (act === 'test') {
        const r = (await api(`/v1/mcp/servers/${encodeURIComponent(id)}/test?gateway=${gw}`, { method: 'POST' })).data;
        out.innerHTML = `<h3>Connection test</h3>${json(r)}`;
      } else {
        const tools = await get(`/v1/mcp/servers/${encodeURIComponent(id)}/tools?gateway=${gw}&refresh=true`);
        const list = Array.isArray(tools) ? tools : tools.tools || [];
        out.innerHTML = `<h3>Tools</h3><table><thead><tr><th>Tool</th><th>Description</th><th>Input schema</th></tr></thead><tbody>
          ${list.map((t) => `<tr><td>${esc(t.name)}</td><td>${esc(t.description ?? '')}</td><td><details><summary>schema</summary>${json(t.input_schema ?? t.inputSchema)}</details></td></tr>`).join('')}</tbody></table>`;
      }
      await refresh();
    } catch (e) {
      showProblem(out, e);
    }
  });
  $('#mcp-form', el).addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = { name: f.name.value, transport: f.transport.value };
    if (f.url.value) body.url = f.url.value;
    if (f.command.value) body.command = f.command.value;
    if (f.header.value && f.secret.value) body.auth = { header: f.header.value, value: f.secret.value };
    try {
      await api(`/v1/gateways/${gw}/api/v1/mcp/servers`, { method: 'POST', body });
      f.reset();
      await refresh();
    } catch (e) {
      showProblem($('#mcp-problem', el), e);
    }
  });
}

// ---- Webapps ----------------------------------------------------------------------------------------------------------

async function webappsView(el) {
  el.innerHTML = `<h3>Runners</h3><table><thead><tr><th>Runner</th><th>Host</th><th>Health</th><th>Can host</th><th>Active webapps</th><th>Version</th></tr></thead>
      <tbody id="wa-runners"></tbody></table>
    <h3>Webapps</h3><div id="wa-problem"></div>
    <div class="split"><div><table><thead><tr><th>Webapp</th><th>Type</th><th>State</th><th>Source</th><th>Deployed</th><th></th></tr></thead>
      <tbody id="wa-rows"></tbody></table>
      ${isAdmin() ? `<h3>Deploy a webapp</h3><form id="wa-form" class="inline">
        <label>Slug <input name="slug" required pattern="[a-z0-9][a-z0-9-]{0,62}"></label>
        <label>Type <select name="type">${['static', 'fastapi', 'gradio', 'streamlit', 'docker'].map((t) => `<option>${t}</option>`).join('')}</select></label>
        <label>Git URL <input name="git_url" required placeholder="https://git.example/site.git"></label>
        <label>Branch <input name="branch" value="main"></label>
        <label>Path <input name="path" placeholder="(repository root)"></label>
        <label>Command <input name="command" placeholder="(the type's default)"></label>
        <label>Port <input name="port" type="number" min="1024" max="65535"></label>
        <button class="primary">Deploy</button></form>` : ''}</div>
      <div class="panel" id="wa-detail"><p class="muted">Select a webapp for its state, history and output.</p></div></div>`;
  const refresh = async () => {
    const [runners, apps] = await Promise.all([get('/v1/runners'), get('/v1/webapps')]);
    $('#wa-runners', el).innerHTML = runners.map((r) => `<tr><td>${esc(r.id.slice(0, 8))}</td><td>${esc(r.host)}</td>
      <td>${stateBadge(r.health)}</td><td>${r.capabilities.map(esc).join(', ')}</td>
      <td>${r.active_webapps}</td><td>${esc(r.version ?? '–')}</td></tr>`).join('') || '<tr><td colspan="6" class="muted">No runner registered.</td></tr>';
    $('#wa-rows', el).innerHTML = apps.map((a) => `<tr class="clickable" data-slug="${esc(a.slug)}"><td><strong>${esc(a.name)}</strong><div class="muted">${esc(a.slug)}</div></td>
      <td>${esc(a.type)}</td><td>${stateBadge(a.state)}</td>
      <td>${esc(a.source.git_url ?? `artifact ${a.source.artifact_id}`)} ${a.source.branch ? `(${esc(a.source.branch)})` : ''}</td>
      <td>${esc((a.deployed_commit ?? '–').slice(0, 12))}</td>
      <td>${isAdmin() ? ['start', 'stop', 'redeploy', 'delete'].map((act) => `<button data-act="${act}" ${act === 'delete' ? 'class="danger"' : ''}>${act[0].toUpperCase() + act.slice(1)}</button>`).join(' ') : ''}</td></tr>`).join('')
      || '<tr><td colspan="6" class="muted">No webapps.</td></tr>';
  };
  // the selected app's output stream; replaced when another app is selected
  let output = null;
  const detail = async (slug) => {
    el.querySelectorAll('#wa-rows tr').forEach((r) => r.classList.toggle('selected', r.dataset.slug === slug));
    const out = $('#wa-detail', el);
    try {
      const [app, history] = await Promise.all([get(`/v1/webapps/${slug}`), get(`/v1/webapps/${slug}/deployments`)]);
      out.innerHTML = `<h3>${esc(app.name)} ${stateBadge(app.state)}</h3>
        <p>${app.url && app.state === 'running' ? `<a href="${esc(app.url)}" target="_blank" rel="noopener" id="wa-open">${esc(app.url)}</a>` : ''}</p>
        <p class="muted">${esc(app.message ?? '')} · restarts ${app.restarts ?? 0}
          ${app.behind === true ? ` · <strong id="wa-behind">behind ${esc(app.source.branch)}</strong>` : app.behind === false ? ' · up to date' : ''}</p>
        <h3>Deployments</h3><table id="wa-history"><thead><tr><th>Started</th><th>Trigger</th><th>Commit</th><th>Outcome</th><th>Duration</th></tr></thead><tbody>
        ${history.map((d) => `<tr data-trigger="${esc(d.trigger)}"><td>${stamp(d.started_at)}</td><td>${esc(d.trigger)}</td><td>${esc((d.commit ?? '').slice(0, 12))}</td>
          <td>${stateBadge(d.outcome ?? 'deploying')}</td><td>${d.duration_ms ?? '–'} ms</td></tr>`).join('')}</tbody></table>
        <h3>Output</h3><div class="scroll short" id="wa-log-scroll"><table><tbody id="wa-logs"></tbody></table></div>`;
      output?.stop();
      output = liveTable(el, { rows: $('#wa-logs', out), scroll: $('#wa-log-scroll', out), render: (l) => `<tr><td>${time(l.at)}</td><td>${esc(l.stream)}</td><td class="log-line">${esc(l.line)}</td></tr>` });
      output(`/v1/webapps/${slug}/logs/stream?tail=200`);
    } catch (e) {
      showProblem(out, e);
    }
  };
  await refresh();
  every(el, 5000, refresh);
  $('#wa-rows', el).addEventListener('click', async (ev) => {
    const row = ev.target.closest('tr[data-slug]');
    if (!row) return;
    const act = ev.target.dataset?.act;
    const slug = row.dataset.slug;
    if (!act) {
      detail(slug);
      return;
    }
    $('#wa-problem', el).innerHTML = '';
    try {
      ev.target.disabled = true;
      if (act === 'delete') {
        if (!confirm(`Delete webapp ${slug}, its files, history and output?`)) return;
        await api(`/v1/webapps/${slug}`, { method: 'DELETE' });
      } else {
        await api(`/v1/webapps/${slug}/${act}`, { method: 'POST' });
      }
      await refresh();
      if (act !== 'delete') await detail(slug);
    } catch (e) {
      showProblem($('#wa-problem', el), e);
    } finally {
      ev.target.disabled = false;
    }
  });
  $('#wa-form', el)?.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = { slug: f.slug.value.trim(), type: f.type.value, source: { git_url: f.git_url.value.trim() } };
    if (f.branch.value.trim()) body.source.branch = f.branch.value.trim();
    if (f.path.value.trim()) body.source.path = f.path.value.trim();
    if (f.command.value.trim()) body.command = f.command.value.trim();
    if (f.port.value) body.port = Number(f.port.value);
    $('#wa-problem', el).innerHTML = '<p class="muted">Deploying…</p>';
    try {
      await api('/v1/webapps', { method: 'POST', body });
      $('#wa-problem', el).innerHTML = '';
      f.reset();
      await refresh();
      await detail(body.slug);
    } catch (e) {
      showProblem($('#wa-problem', el), e);
    }
  });
}

// ---- Runs explorer ----------------------------------------------------------------------------------------------------

function graphSvg(edges, { id = 'run-graph', label = 'Communication graph', showCounts = true, nodes: only = [] } = {}) {
  if (!edges.length && !only.length) return '<p class="muted">No messages between executors.</p>';
  const names = [...only];
  edges.forEach((e) => [e.from, e.to].forEach((n) => { if (n && !names.includes(n)) names.push(n); }));
  const w = 640;
  const h = Math.max(160, 60 * Math.ceil(names.length / 2) + 60);
  const r = Math.min(w, h) / 2 - 50;
  const pos = Object.fromEntries(names.map((n, i) => {
    const a = (2 * Math.PI * i) / names.length - Math.PI / 2;
    return [n, [w / 2 + r * Math.cos(a), h / 2 + r * Math.sin(a)]];
  }));
  const counts = {};
  edges.forEach((e) => { const k = `${e.from}→${e.to}`; counts[k] = (counts[k] || 0) + 1; });
  const lines = Object.entries(counts).map(([k, n]) => {
    const [from, to] = k.split('→');
    const [x1, y1] = pos[from];
    const [x2, y2] = pos[to];
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const ex = x2 - ((x2 - x1) / len) * 34;
    const ey = y2 - ((y2 - y1) / len) * 18;
    return `<line x1="${x1}" y1="${y1}" x2="${ex}" y2="${ey}" stroke="#64748b" stroke-width="1.5" marker-end="url(#arrow)"/>
      ${showCounts ? `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" fill="#475467">${n}</text>` : ''}`;
  }).join('');
  const nodes = names.map((n) => `<g class="node" data-executor="${esc(n)}"><rect x="${pos[n][0] - 56}" y="${pos[n][1] - 14}" width="112" height="28" rx="8" fill="#eef3ff" stroke="#2f5bd3"/>
    <text x="${pos[n][0]}" y="${pos[n][1] + 4}" text-anchor="middle">${esc(n.length > 16 ? `${n.slice(0, 15)}…` : n)}</text></g>`).join('');
  return `<svg id="${id}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" class="chart" role="img" aria-label="${esc(label)}">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#64748b"/></marker></defs>
    ${lines}${nodes}</svg>`;
}

// ---- Flows ------------------------------------------------------------------------------------------------------------

/** A flow's executors and how they connect: targets for message_driven flows, the listed order for sequential ones. */
function flowEdges(flow) {
  const ex = flow.executors || [];
  if (flow.routing_policy === 'sequential') return ex.slice(1).map((e, i) => ({ from: ex[i].id, to: e.id }));
  return ex.flatMap((e) => (e.targets || []).map((t) => ({ from: e.id, to: t })));
}

async function flowsView(el, params) {
  const base = `/v1/gateways/${encodeURIComponent(state.gateway)}/api/v1/flows`;
  const writer = ['admin', 'developer'].includes(state.me?.role);
  el.innerHTML = `<table><thead><tr><th>Flow</th><th>Origin</th><th>Version</th><th>Executors</th><th>Updated</th></tr></thead>
      <tbody id="flow-rows"></tbody></table>
    <div id="flow-detail"></div>
    ${writer ? `<h3 id="flow-editor-title">New flow</h3>
    <form id="flow-editor"><textarea id="flow-source" rows="16" spellcheck="false" aria-label="Flow YAML"
      placeholder="name: my-flow&#10;executors:&#10;  - id: answer&#10;    type: llm&#10;    model: claude-haiku-4-5"></textarea>
      <div id="flow-check" role="status" class="muted">Type a flow's YAML; it is checked as you type.</div>
      <div id="flow-problem"></div>
      <button class="primary" id="flow-save">Save</button></form>` : ''}`;
  let flows = [];
  const refresh = async () => {
    flows = await get(base);
    $('#flow-rows', el).innerHTML = flows.map((f) => `<tr data-name="${esc(f.name)}" class="clickable"><td>${esc(f.name)}</td>
      <td>${badge(f.origin)}</td><td><code>${esc((f.version || '').slice(0, 12))}</code>${f.version_number ? ` (v${f.version_number})` : ''}</td>
      <td>${(f.executors || []).length}</td><td>${stamp(f.updated_at)}</td></tr>`).join('')
      || '<tr><td colspan="5" class="muted">No flows.</td></tr>';
  };
  const show = async (name) => {
    const out = $('#flow-detail', el);
    try {
      const path = `${base}/${encodeURIComponent(name)}`;
      const [flow, versions] = await Promise.all([get(path), get(`${path}/versions`)]);
      const current = versions.find((v) => v.current) || versions[0];
      const source = current ? await get(`${path}/versions/${encodeURIComponent(current.version)}/source`) : '';
      out.innerHTML = `<h3>${esc(flow.name)} ${badge(flow.origin)}</h3><p class="muted">${esc(flow.description || '')}</p>
        ${graphSvg(flowEdges(flow), { id: 'flow-graph', label: `Flow ${flow.name}`, showCounts: false, nodes: (flow.executors || []).map((e) => e.id) })}
        <table id="flow-versions"><thead><tr><th>Version</th><th>Hash</th><th>Saved</th><th></th></tr></thead><tbody>
        ${versions.map((v) => `<tr><td>v${v.number}</td><td><code>${esc(v.version.slice(0, 12))}</code></td><td>${stamp(v.created_at)}</td><td>${v.current ? badge('current') : ''}</td></tr>`).join('')}</tbody></table>
        <details open><summary>Source of the current version</summary><pre id="flow-source-view">${esc(source)}</pre></details>`;
      if (writer && flow.origin === 'workspace') {
        $('#flow-source', el).value = source;
        $('#flow-editor-title', el).textContent = `Edit ${flow.name} (saving makes a new version)`;
        check();
      }
    } catch (e) {
      showProblem(out, e);
    }
  };
  const check = debounce(400, async () => {
    const text = $('#flow-source', el)?.value ?? '';
    const out = $('#flow-check', el);
    if (!text.trim()) {
      out.className = 'muted';
      out.textContent = 'Type a flow\'s YAML; it is checked as you type.';
      return;
    }
    try {
      const flow = (await api(`${base}/validate`, { method: 'POST', text, type: 'application/yaml' })).data;
      out.className = 'ok';
      out.textContent = `Valid: ${flow.name}, ${(flow.executors || []).length} executor(s).`;
    } catch (e) {
      out.className = 'problem';
      const problems = e.problem?.problems || [];
      out.innerHTML = problems.length
        ? `<ul id="flow-problems">${problems.map((p) => `<li data-line="${p.line}">line ${p.line}${p.executor ? ` · ${esc(p.executor)}` : ''}: ${esc(p.message)}</li>`).join('')}</ul>`
        : esc(e.message);
    }
  });
  await refresh();
  $('#flow-rows', el).addEventListener('click', (ev) => {
    const name = ev.target.closest('tr')?.dataset.name;
    if (name) show(name);
  });
  if (writer) {
    $('#flow-source', el).addEventListener('input', check);
    $('#flow-editor', el).addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = $('#flow-source', el).value;
      const name = (text.match(/^name:\s*["']?([a-z0-9][a-z0-9_-]*)/m) || [])[1];
      const own = flows.find((f) => f.name === name && f.origin === 'workspace');
      try {
        const saved = (await api(own ? `${base}/${encodeURIComponent(name)}` : base,
          { method: own ? 'PUT' : 'POST', text, type: 'application/yaml' })).data;
        $('#flow-problem', el).innerHTML = '';
        await refresh();
        await show(saved.name);
      } catch (e) {
        showProblem($('#flow-problem', el), e);
      }
    });
  }
  if (params.get('flow')) await show(params.get('flow'));
}

async function runsView(el, params) {
  const base = `/v1/gateways/${encodeURIComponent(state.gateway)}/api/v1`;
  el.innerHTML = `<form id="run-filter" class="toolbar"><label>Session <input name="session" size="38" value="${esc(params.get('session') || '')}"></label>
      <label>Status <select name="status"><option value="">any</option>${['pending', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled'].map((s) => `<option ${params.get('status') === s ? 'selected' : ''}>${s}</option>`).join('')}</select></label>
      <button class="primary">Show</button></form>
    <div class="split"><div><table><thead><tr><th>Run</th><th>Flow</th><th>Status</th><th>Session</th><th>Created</th></tr></thead><tbody id="run-rows"></tbody></table>
      <div class="toolbar"><button id="run-more" hidden>More</button><span class="muted" id="run-count"></span></div></div>
      <div class="panel" id="run-detail"><p class="muted">Select a run.</p></div></div>`;
  let cursor = null;
  let shown = 0;
  const list = async (append) => {
    const f = $('#run-filter', el);
    const q = new URLSearchParams({ limit: '50' });
    if (f.session.value.trim()) q.set('session_id', f.session.value.trim());
    if (f.status.value) q.set('status', f.status.value);
    if (append && cursor) q.set('cursor', cursor);
    const { data, next } = await api(`${base}/runs?${q}`);
    const rows = $('#run-rows', el);
    if (!append) { rows.innerHTML = ''; shown = 0; }
    rows.insertAdjacentHTML('beforeend', data.map((r) => `<tr class="clickable" data-run="${esc(r.id)}"><td>${esc(r.id.slice(0, 8))}</td>
      <td>${esc(r.flow?.name)}</td><td>${badge(r.status)}</td><td><a href="#" data-session="${esc(r.session_id)}">${esc(r.session_id.slice(0, 8))}</a></td>
      <td>${stamp(r.created_at)}</td></tr>`).join(''));
    shown += data.length;
    cursor = next;
    $('#run-more', el).hidden = !next;
    $('#run-count', el).textContent = `${shown} run(s)`;
  };
  let shownRun = null;
  const detail = async (id, step) => {
    shownRun = id;
    el.querySelectorAll('#run-rows tr').forEach((r) => r.classList.toggle('selected', r.dataset.run === id));
    const out = $('#run-detail', el);
    try {
      const [run, checkpoints, graph] = await Promise.all([get(`${base}/runs/${id}`), get(`${base}/runs/${id}/checkpoints`),
        get(`${base}/runs/${id}/graph`)]);
      const selected = step ?? (checkpoints.length ? checkpoints[checkpoints.length - 1].step_index : null);
      const at = checkpoints.find((c) => c.step_index === selected);
      const unfinished = ['pending', 'running', 'interrupted'].includes(run.status);
      out.innerHTML = `<h3>Run ${esc(run.id)} ${badge(run.status)}</h3>
        <p>${esc(run.flow?.name)} ${esc(run.flow?.version)} · attempt ${run.attempt} · started ${stamp(run.started_at)} · finished ${stamp(run.finished_at)}</p>
        <div class="toolbar">${canAct() && unfinished ? '<button id="run-cancel" class="danger">Cancel</button>' : ''}
          ${canAct() && at ? `<button id="run-fork" class="primary">Fork from step ${at.step_index}</button>` : ''}
          ${state.me.role === 'admin' || state.me.role === 'developer' ? `<a href="#/debug?run=${esc(run.id)}">Debug context</a>` : ''}</div>
        <div id="run-problem"></div>
        ${run.status === 'interrupted' && run.interrupt ? questionPanel(run.interrupt, canAct()) : ''}
        <h3>Timeline</h3><ol class="timeline" id="run-timeline">${checkpoints.map((c) => `<li data-step="${c.step_index}" class="clickable ${c.step_index === selected ? 'selected' : ''}">
          <strong>${c.step_index}</strong> ${esc(checkpointLabel(c.metadata))} <span class="muted">${esc(c.metadata?.type ?? '')}
          ${c.metadata?.duration_ms != null ? `· ${c.metadata.duration_ms} ms` : ''} · ${time(c.created_at)}</span></li>`).join('') || '<li class="muted">No checkpoints yet.</li>'}</ol>
        <h3>State at step ${esc(selected ?? '–')}</h3><div id="run-state">${at ? json(at.state) : '<p class="muted">–</p>'}</div>
        <h3>Communication graph</h3>${graphSvg(graph)}
        ${run.error && Object.keys(run.error).length ? `<h3>Error</h3>${json(run.error)}` : ''}
        <h3>Output</h3>${json(run.output)}`;
      // a pending or running run is followed until it ends or stops for a person (a question form is never redrawn
      // under the reader's typing); a chosen step holds the view still
      if (step == null && ['pending', 'running'].includes(run.status)) {
        setTimeout(() => { if (shownRun === id && out.isConnected) detail(id).catch(() => {}); }, 1500);
      }
      $('#run-timeline', out).addEventListener('click', (ev) => {
        const li = ev.target.closest('li[data-step]');
        if (li) detail(id, Number(li.dataset.step));
      });
      $('#answer-form', out)?.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const submitter = ev.submitter?.id;
        try {
          if (submitter === 'answer-reject') {
            const reason = $('#answer-reason', out).value.trim();
            await api(`${base}/runs/${id}/reject`, { method: 'POST', body: reason ? { reason } : {} });
          } else {
            await api(`${base}/runs/${id}/resume`, { method: 'POST', body: answerBody(run.interrupt, ev.target) });
          }
          await detail(id);
          await list(false);
        } catch (e) { showProblem($('#answer-problem', out), e); }
      });
      $('#run-cancel', out)?.addEventListener('click', async () => {
        try {
          await api(`${base}/runs/${id}/cancel?wait=true`, { method: 'POST' });
          await detail(id, step);
          await list(false);
        } catch (e) { showProblem($('#run-problem', out), e); }
      });
      $('#run-fork', out)?.addEventListener('click', async () => {
        try {
          const forked = (await api(`${base}/runs/${id}/fork`, { method: 'POST', body: { step: at.step_index } })).data;
          await list(false);
          $('#run-problem', out).innerHTML = '';
          await detail(forked.id);
          $('#run-detail', el).insertAdjacentHTML('afterbegin', `<p class="muted" id="run-forked">Forked from ${esc(id)} at step ${at.step_index}.</p>`);
        } catch (e) { showProblem($('#run-problem', out), e); }
      });
    } catch (e) {
      showProblem(out, e);
    }
  };
  $('#run-filter', el).addEventListener('submit', (ev) => { ev.preventDefault(); list(false).catch((e) => showProblem($('#run-detail', el), e)); });
  $('#run-more', el).addEventListener('click', () => list(true));
  $('#run-rows', el).addEventListener('click', (ev) => {
    const session = ev.target.dataset?.session;
    if (session) {
      ev.preventDefault();
      $('#run-filter', el).session.value = session;
      list(false);
      return;
    }
    const row = ev.target.closest('tr[data-run]');
    if (row) detail(row.dataset.run);
  });
  await list(false);
  if (params.get('run')) await detail(params.get('run'));
}

// ---- Human in the loop ---------------------------------------------------------------------------------------------------

function checkpointLabel(m) {
  if (m?.executor) return m.executor;
  if (m?.kind === 'interrupt') return `waiting at ${m.waiting_on} (${m.interrupt})`;
  if (m?.kind === 'resume') return `answered at ${m.waited_on}${m.goto ? ` → ${m.goto}` : ''}`;
  if (m?.kind === 'interrupt_timeout') return `no answer at ${m.waited_on}: timed out`;
  return m?.kind === 'fork' ? 'fork' : 'start';
}

// one field per property of an object schema (boolean, enum, number, string); anything else is answered as JSON
function schemaFields(schema) {
  const props = schema?.type === 'object' && schema.properties ? Object.entries(schema.properties) : null;
  if (!props || props.some(([, p]) => !['boolean', 'string', 'number', 'integer'].includes(p.type))) {
    return `<label>Answer (JSON) <textarea name="__json" rows="4" spellcheck="false">${schema ? '' : 'null'}</textarea></label>`;
  }
  const required = schema.required || [];
  // required fields first (the stored schema's key order is PostgreSQL's, not the author's)
  props.sort(([a], [b]) => Number(required.includes(b)) - Number(required.includes(a)));
  return props.map(([name, p]) => {
    const label = `${esc(name)}${required.includes(name) ? ' *' : ''}${p.description ? ` <span class="muted">${esc(p.description)}</span>` : ''}`;
    if (p.type === 'boolean') return `<label class="check"><input type="checkbox" name="${esc(name)}" data-type="boolean"> ${label}</label>`;
    if (p.enum) return `<label>${label} <select name="${esc(name)}" data-type="${esc(p.type)}"><option value=""></option>${p.enum.map((v) => `<option>${esc(v)}</option>`).join('')}</select></label>`;
    if (p.type !== 'string') return `<label>${label} <input type="number" name="${esc(name)}" data-type="${esc(p.type)}" ${p.type === 'integer' ? 'step="1"' : 'step="any"'}></label>`;
    return `<label>${label} <textarea name="${esc(name)}" data-type="string" rows="2" ${p.maxLength ? `maxlength="${p.maxLength}"` : ''}></textarea></label>`;
  }).join('');
}

function questionPanel(q, act) {
  const human = q.kind === 'human';
  return `<section class="panel question" id="run-question"><h3>Waiting for input at ${esc(q.executor)}</h3>
    <p id="question-text">${esc(q.question)}</p>
    <p class="muted">Since ${stamp(q.since)}${q.deadline ? ` · answer by ${stamp(q.deadline)} (then ${esc(q.on_timeout || 'fail')})` : ' · no deadline'}</p>
    ${act ? `<form id="answer-form">${human ? schemaFields(q.schema) : ''}
      <details><summary>Edit state before going on</summary>
        <label>State edit (JSON: {"input": {…}, "outputs": {"executor": …}}) <textarea name="__state" rows="4" spellcheck="false"></textarea></label></details>
      <label>Reason (for reject) <input id="answer-reason" maxlength="2000"></label>
      <div class="toolbar"><button class="primary" id="answer-send">${human ? 'Send answer' : 'Approve and continue'}</button>
        <button class="danger" id="answer-reject">Reject</button></div>
      <div id="answer-problem"></div></form>` : '<p class="muted">Your role can read the question but not answer it.</p>'}</section>`;
}

function answerBody(q, form) {
  const body = {};
  if (q.kind === 'human') {
    if (form.__json) {
      body.value = JSON.parse(form.__json.value || 'null');
    } else {
      body.value = {};
      form.querySelectorAll('[data-type]').forEach((f) => {
        if (f.dataset.type === 'boolean') body.value[f.name] = f.checked;
        else if (f.value !== '') body.value[f.name] = f.dataset.type === 'string' ? f.value : Number(f.value);
      });
    }
  }
  if (form.__state.value.trim()) body.state = JSON.parse(form.__state.value);
  return body;
}

async function waitingView(el) {
  const base = `/v1/gateways/${encodeURIComponent(state.gateway)}/api/v1`;
  el.innerHTML = `<p class="muted">Runs that stopped for a person. They hold no worker slot while they wait.</p>
    <table><thead><tr><th>Run</th><th>Flow</th><th>At</th><th>Question</th><th>Since</th><th>Answer by</th></tr></thead>
    <tbody id="waiting-rows"></tbody></table><p class="muted" id="waiting-count"></p>`;
  const load = async () => {
    const runs = await get(`${base}/runs?status=interrupted&limit=200`);
    $('#waiting-rows', el).innerHTML = runs.map((r) => `<tr class="clickable" data-run="${esc(r.id)}"><td>${esc(r.id.slice(0, 8))}</td>
      <td>${esc(r.flow?.name)}</td><td>${esc(r.interrupt?.executor)} <span class="muted">${esc(r.interrupt?.kind)}</span></td>
      <td>${esc(r.interrupt?.question)}</td><td>${stamp(r.interrupt?.since)}</td><td>${stamp(r.interrupt?.deadline)}</td></tr>`).join('')
      || '<tr><td colspan="6" class="muted">Nothing is waiting.</td></tr>';
    $('#waiting-count', el).textContent = `${runs.length} run(s) waiting`;
  };
  $('#waiting-rows', el).addEventListener('click', (ev) => {
    const row = ev.target.closest('tr[data-run]');
    if (row) location.hash = `#/runs?run=${row.dataset.run}`;
  });
  await load();
  every(el, 5000, () => load().catch(() => {}));
}

// ---- Schedules -----------------------------------------------------------------------------------------------------------

const timing = (s) => (s.cron ? `${s.cron} (${s.timezone})` : `every ${s.interval_seconds} s`);

async function schedulesView(el) {
  const base = `/v1/gateways/${encodeURIComponent(state.gateway)}/api/v1`;
  const builds = ['admin', 'developer'].includes(state.me.role);
  el.innerHTML = `${builds ? `<form id="sched-form" class="toolbar">
      <label>Name <input name="name" required maxlength="100" size="16"></label>
      <label>Assistant <select name="assistant_id" id="sched-assistant"></select></label>
      <label>Cron <input name="cron" placeholder="0 9 * * MON-FRI" size="16"></label>
      <label>Time zone <input name="timezone" placeholder="UTC" size="14"></label>
      <label>or every <input name="interval" placeholder="15m" size="6"></label>
      <label>Input (JSON) <input name="input" value="{}" size="24" spellcheck="false"></label>
      <label>Misfire <select name="misfire_policy"><option>run_once</option><option>skip</option></select></label>
      <button class="primary" id="sched-create">Create</button></form><div id="sched-problem"></div>` : ''}
    <table><thead><tr><th>Name</th><th>When</th><th>Next</th><th>Last fired</th><th>Last run</th><th>State</th><th></th></tr></thead>
    <tbody id="sched-rows"></tbody></table>`;
  const load = async () => {
    const list = await get(`${base}/schedules?limit=200`);
    $('#sched-rows', el).innerHTML = list.map((s) => `<tr data-id="${esc(s.id)}" data-name="${esc(s.name)}"><td>${esc(s.name)}</td>
      <td>${esc(timing(s))}</td><td>${stamp(s.next_fire_at)}</td><td>${stamp(s.last_fired_at)}</td>
      <td>${s.last_run_id ? `<a href="#/runs?run=${esc(s.last_run_id)}">${esc(s.last_run_id.slice(0, 8))}</a>` : '–'}
        ${s.last_error ? `<span class="muted" title="${esc(s.last_error)}">⚠ ${esc(s.last_error.slice(0, 60))}</span>` : ''}</td>
      <td>${badge(s.paused ? 'paused' : 'active')}</td>
      <td>${canAct() ? `<button data-act="${s.paused ? 'resume' : 'pause'}">${s.paused ? 'Resume' : 'Pause'}</button>` : ''}
        ${builds ? '<button data-act="delete" class="danger">Delete</button>' : ''}</td></tr>`).join('')
      || '<tr><td colspan="7" class="muted">No schedules.</td></tr>';
  };
  if (builds) {
    const assistants = await get(`${base}/assistants?limit=200`);
    $('#sched-assistant', el).innerHTML = assistants.map((a) => `<option value="${esc(a.id)}">${esc(a.name)} (${esc(a.flow?.name)})</option>`).join('');
    $('#sched-form', el).addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = ev.target;
      try {
        const body = { name: f.name.value.trim(), assistant_id: f.assistant_id.value, misfire_policy: f.misfire_policy.value,
          input: JSON.parse(f.input.value || '{}') };
        if (f.cron.value.trim()) body.cron = f.cron.value.trim();
        if (f.timezone.value.trim()) body.timezone = f.timezone.value.trim();
        if (f.interval.value.trim()) body.interval = f.interval.value.trim();
        await api(`${base}/schedules`, { method: 'POST', body });
        $('#sched-problem', el).innerHTML = '';
        f.reset();
        await load();
      } catch (e) { showProblem($('#sched-problem', el), e); }
    });
  }
  $('#sched-rows', el).addEventListener('click', async (ev) => {
    const act = ev.target.dataset?.act;
    const id = ev.target.closest('tr[data-id]')?.dataset.id;
    if (!act || !id) return;
    try {
      if (act === 'delete') await api(`${base}/schedules/${id}`, { method: 'DELETE' });
      else await api(`${base}/schedules/${id}/${act}`, { method: 'POST' });
      await load();
    } catch (e) { showProblem($('#sched-problem', el) || el, e); }
  });
  await load();
  every(el, 5000, () => load().catch(() => {}));
}

// ---- Webhooks ------------------------------------------------------------------------------------------------------------

const WEBHOOK_EVENTS = ['run.created', 'run.started', 'run.succeeded', 'run.failed', 'run.cancelled', 'run.timed_out',
  'run.interrupted', 'run.resumed'];

async function webhooksView(el) {
  const base = `/v1/gateways/${encodeURIComponent(state.gateway)}/api/v1`;
  const builds = ['admin', 'developer'].includes(state.me.role);
  el.innerHTML = `${builds ? `<form id="hook-form" class="toolbar">
      <label>URL <input name="url" required maxlength="2048" size="36" placeholder="https://example.com/forge"></label>
      <fieldset class="inline">${WEBHOOK_EVENTS.map((t) => `<label><input type="checkbox" name="events" value="${t}"
        ${['run.succeeded', 'run.failed'].includes(t) ? 'checked' : ''}> ${t}</label>`).join(' ')}</fieldset>
      <button class="primary" id="hook-create">Subscribe</button></form><div id="hook-problem"></div>
      <div id="hook-secret"></div>` : ''}
    <h3>Subscriptions</h3>
    <table><thead><tr><th>URL</th><th>Events</th><th>State</th><th></th></tr></thead><tbody id="hook-rows"></tbody></table>
    <h3>Deliveries</h3>
    <table><thead><tr><th>Event</th><th>Run</th><th>URL</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>Created</th><th></th></tr></thead>
    <tbody id="delivery-rows"></tbody></table><div id="delivery-detail"></div>`;
  const load = async () => {
    const hooks = await get(`${base}/webhooks?limit=200`);
    $('#hook-rows', el).innerHTML = hooks.map((h) => `<tr data-id="${esc(h.id)}"><td>${esc(h.url)}</td>
      <td>${h.events.map(esc).join(', ')}</td><td>${badge(h.enabled ? 'enabled' : 'disabled')}</td>
      <td>${builds ? `<button data-act="${h.enabled ? 'disable' : 'enable'}">${h.enabled ? 'Disable' : 'Enable'}</button>
        <button data-act="delete" class="danger">Delete</button>` : ''}</td></tr>`).join('')
      || '<tr><td colspan="4" class="muted">No subscriptions.</td></tr>';
    const deliveries = await get(`${base}/webhook-deliveries?limit=100`);
    $('#delivery-rows', el).innerHTML = deliveries.map((d) => `<tr data-delivery="${esc(d.id)}"><td>${esc(d.event_type)}</td>
      <td>${d.run_id ? `<a href="#/runs?run=${esc(d.run_id)}">${esc(d.run_id.slice(0, 8))}</a>` : '–'}</td>
      <td>${esc(d.url)}${d.webhook_id ? '' : ' <span class="muted">(run\'s own)</span>'}</td>
      <td>${badge(d.in_flight ? 'sending' : d.status)}</td><td>${d.attempts}</td>
      <td>${d.last_error ? `<span title="${esc(d.last_error)}">${esc(d.last_error.slice(0, 60))}</span>`
        : esc(d.last_status_code ?? '–')}</td><td>${stamp(d.created_at)}</td>
      <td><button data-act="log">Attempts</button>${canAct() ? ' <button data-act="redeliver">Send again</button>' : ''}</td></tr>`).join('')
      || '<tr><td colspan="8" class="muted">Nothing delivered yet.</td></tr>';
  };
  if (builds) {
    $('#hook-form', el).addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = ev.target;
      try {
        const events = [...f.querySelectorAll('input[name=events]:checked')].map((c) => c.value);
        const created = (await api(`${base}/webhooks`, { method: 'POST', body: { url: f.url.value.trim(), events } })).data;
        $('#hook-problem', el).innerHTML = '';
        $('#hook-secret', el).innerHTML = `<p class="notice">Signing secret for ${esc(created.url)} — shown only now:
          <code id="hook-secret-value">${esc(created.secret)}</code></p>`;
        f.url.value = '';
        await load();
      } catch (e) { showProblem($('#hook-problem', el), e); }
    });
  }
  $('#hook-rows', el).addEventListener('click', async (ev) => {
    const act = ev.target.dataset?.act;
    const id = ev.target.closest('tr[data-id]')?.dataset.id;
    if (!act || !id) return;
    try {
      if (act === 'delete') await api(`${base}/webhooks/${id}`, { method: 'DELETE' });
      else await api(`${base}/webhooks/${id}`, { method: 'PATCH', body: { enabled: act === 'enable' } });
      await load();
    } catch (e) { showProblem($('#hook-problem', el) || el, e); }
  });
  $('#delivery-rows', el).addEventListener('click', async (ev) => {
    const act = ev.target.dataset?.act;
    const id = ev.target.closest('tr[data-delivery]')?.dataset.delivery;
    if (!act || !id) return;
    try {
      const d = act === 'redeliver' ? (await api(`${base}/webhook-deliveries/${id}/redeliver`, { method: 'POST' })).data
        : await get(`${base}/webhook-deliveries/${id}`);
      $('#delivery-detail', el).innerHTML = `<h4>Delivery ${esc(id)} — ${esc(d.status)}</h4>
        <table><thead><tr><th>#</th><th>Started</th><th>ms</th><th>Status</th><th>Error</th><th>Answer</th></tr></thead><tbody>
        ${(d.attempt_log || []).map((a) => `<tr><td>${a.attempt}</td><td>${stamp(a.started_at)}</td><td>${a.duration_ms}</td>
          <td>${esc(a.status_code ?? '–')}</td><td>${esc(a.error ?? '')}</td><td><code>${esc((a.response ?? '').slice(0, 200))}</code></td></tr>`).join('')
          || '<tr><td colspan="6" class="muted">No attempt yet.</td></tr>'}</tbody></table>`;
      await load();
    } catch (e) { showProblem($('#delivery-detail', el), e); }
  });
  await load();
  every(el, 5000, () => load().catch(() => {}));
}

// ---- start -------------------------------------------------------------------------------------------------------------

$('#signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('#signin-error').textContent = '';
  try {
    await signIn($('#signin-key').value.trim());
  } catch (e) {
    $('#signin-error').textContent = e.status === 401 ? 'That key was not accepted.' : e.message;
  }
});
$('#signout').addEventListener('click', () => signOut());
$('#gateway-select').addEventListener('change', (ev) => {
  state.gateway = ev.target.value;
  sessionStorage.setItem(GATEWAY, state.gateway);
  route();
});
window.addEventListener('hashchange', route);

if (state.key) {
  signIn(state.key).catch(() => signOut());
} else {
  signOut();
}
