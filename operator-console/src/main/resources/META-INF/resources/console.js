// Capstan operator console: one page per hash route, each drawn from one JSON document of /api/console and drawn
// again when the live stream says its section changed. No framework: the pages are tables, cells and two charts.
'use strict';

const API = 'api/console/';
const page = document.getElementById('page');
const live = document.getElementById('live');

// ------------------------------------------------------------------ helpers

const esc = (v) => String(v ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const num = (v, d = 1) => (v === null || v === undefined ? '—' : Number(v).toFixed(d).replace(/\.0+$/, ''));
const pct = (v) => (v === null || v === undefined ? '—' : (v * 100).toFixed(1) + ' %');
const time = (t) => (t ? new Date(t).toLocaleTimeString() : '—');
const ago = (t) => {
  if (!t) return '—';
  const s = Math.max(0, (Date.now() - new Date(t).getTime()) / 1000);
  return s < 90 ? Math.round(s) + 's' : s < 5400 ? Math.round(s / 60) + 'm' : Math.round(s / 3600) + 'h';
};
const badge = (s) => `<span class="badge ${esc(s)}">${esc(s ?? '—')}</span>`;
const seg = encodeURIComponent;

async function getJson(path) {
  const r = await fetch(API + path, { headers: { Accept: 'application/json' } });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

async function problemText(r) {
  try {
    const p = await r.json();
    const fields = (p.errors || []).map((e) => `${e.field}: ${e.message}`).join('; ');
    return [p.title, p.detail, fields].filter(Boolean).join(' — ') || `HTTP ${r.status}`;
  } catch (e) {
    return `HTTP ${r.status}`;
  }
}

// A line chart: series of {label, color, points:[[x,y]...], step, dashed}; x is epoch ms or a step number.
function chart(series, { width = 900, height = 260, yLabel = '', xTime = true } = {}) {
  const pts = series.flatMap((s) => s.points);
  if (pts.length === 0) return '<p class="muted">no data yet</p>';
  const pad = { l: 48, r: 12, t: 14, b: 28 };
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y0 = Math.min(0, ...ys), y1 = Math.max(...ys, y0 + 1e-9) * 1.08;
  const X = (x) => pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (y) => height - pad.b - ((y - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  let out = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img">`;
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    out += `<line x1="${pad.l}" x2="${width - pad.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#2a323c"/>`
      + `<text x="4" y="${Y(y) + 4}">${num(y, 2)}</text>`;
  }
  for (let i = 0; i <= 4; i++) {
    const x = x0 + ((x1 - x0) * i) / 4;
    out += `<text x="${X(x) - 20}" y="${height - 8}">${xTime ? new Date(x).toLocaleTimeString() : num(x, 0)}</text>`;
  }
  series.forEach((s, k) => {
    if (s.points.length === 0) return;
    let d = '';
    s.points.forEach((p, i) => {
      if (i === 0) d += `M${X(p[0])},${Y(p[1])}`;
      else if (s.step) d += `H${X(p[0])}V${Y(p[1])}`;
      else d += `L${X(p[0])},${Y(p[1])}`;
    });
    out += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width || 1.6}"`
      + `${s.dashed ? ' stroke-dasharray="4 3"' : ''} opacity="${s.opacity || 1}"><title>${esc(s.label)}</title></path>`;
    if (s.legend !== false) {
      out += `<text x="${pad.l + 8 + 150 * (k % 5)}" y="${pad.t + 12 * Math.floor(k / 5) + 2}" style="fill:${s.color}">`
        + `${esc(s.label)}</text>`;
    }
  });
  return out + `<text x="${width - pad.r - 120}" y="${pad.t + 2}">${esc(yLabel)}</text></svg>`;
}

// ------------------------------------------------------------------ pages

// Each page: sections it shows (a live change to one of them redraws it) and draw(args) returning HTML.
const pages = {
  gpus: { sections: ['GPUS'], draw: drawGpus },
  queues: { sections: ['QUEUES', 'GPUS'], draw: drawQueues },
  workloads: { sections: ['WORKLOADS'], draw: drawWorkloads },
  workload: { sections: ['WORKLOADS'], draw: drawWorkload },
  services: { sections: ['SERVICES'], draw: drawServices },
  service: { sections: ['SERVICES'], draw: drawService },
  models: { sections: ['MODELS'], draw: drawModels },
  model: { sections: ['MODELS'], draw: drawModel },
  tuning: { sections: ['TUNING'], draw: drawExperiments },
  experiment: { sections: ['TUNING'], draw: drawExperiment },
};

async function drawGpus() {
  const m = await getJson('gpus');
  let html = `<h2>GPU map</h2><div class="stats">
    <div class="stat" id="stat-gpus"><b>${m.gpus}</b><span>GPUs</span></div>
    <div class="stat" id="stat-allocated"><b>${num(m.allocatedGpus, 2)}</b><span>allocated (shares add up)</span></div>
    <div class="stat" id="stat-idle"><b>${m.idleGpus}</b><span>idle GPUs</span></div>
    <div class="stat" id="stat-stranded"><b>${num(m.strandedGpus, 2)}</b><span>stranded GPUs: free, unusable by the
      recent pod mix</span></div></div>
    <div class="legend"><span><i style="background:var(--free)"></i>free</span>
      <span><i style="background:var(--whole)"></i>whole GPU</span>
      <span><i style="background:var(--shared)"></i>shared (fill = share held)</span>
      <span><i style="background:var(--mig)"></i>MIG slices</span></div>`;
  for (const g of m.groups) {
    html += `<section class="group"><h3>${esc(g.rack)} · ${esc(g.gpuModel)} · ${g.nodes.length} nodes</h3>
      <div class="nodes">`;
    for (const n of g.nodes) {
      html += `<div class="node${n.ready ? '' : ' notready'}" data-node="${esc(n.name)}">
        <header><b>${esc(n.name)}</b><span title="free GPU capacity the recent pod mix cannot use">frag
          ${num(n.fragmentedGpus, 2)} / ${num(n.freeGpus, 2)} free</span></header>
        <div class="cells">`;
      for (const c of n.gpus) {
        const who = c.uses.map((u) => `${u.workloadId} (${u.pod}, ${u.migProfile || u.milli + 'm'}, ${u.queue})`);
        html += `<div class="gpu ${c.state}" data-gpu="${c.index}" data-state="${c.state}"
          data-workloads="${esc(c.uses.map((u) => u.workloadId).join(' '))}"
          title="${esc(`GPU ${c.index} ${c.model}: ${c.state}${who.length ? '\n' + who.join('\n') : ''}`)}"
          onclick="${c.uses.length ? `location.hash='#/workloads/${seg(c.uses[0].workloadId)}'` : ''}">
          <div class="fill" style="height:${c.usedMilli / 10}%"></div><span class="idx">${c.index}</span></div>`;
      }
      html += `</div><div class="meta">CPU ${num(n.cpuUsedMilli / 1000)} / ${num(n.cpuMilli / 1000)}
        <div class="bar"><i style="width:${(100 * n.cpuUsedMilli) / Math.max(1, n.cpuMilli)}%"></i></div>
        memory ${num(n.memoryUsedMib / 1024)} / ${num(n.memoryMib / 1024)} GiB
        <div class="bar"><i style="width:${(100 * n.memoryUsedMib) / Math.max(1, n.memoryMib)}%"></i></div>
        ${n.ready ? '' : '<span class="error">not ready</span>'}</div></div>`;
    }
    html += '</div></section>';
  }
  if (m.groups.length === 0) html += '<p class="muted">no nodes yet: the executor publishes them on capstan.nodes</p>';
  html += `<h3>Pod mix fragmentation is measured against (the last ${m.mix.reduce((a, e) => a + e.count, 0)}
    GPU pods seen)</h3><table><tr><th>pods</th><th>GPUs</th><th>share</th><th>models</th><th>CPU</th><th>memory</th></tr>
    ${m.mix.slice(0, 12).map((e) => `<tr><td>${e.count}</td><td>${e.request.gpus}</td><td>${e.request.gpuMilli}m</td>
      <td>${esc(e.request.gpuModels.join(', ') || 'any')}</td><td>${num(e.request.cpuMilli / 1000)}</td>
      <td>${num(e.request.memoryMib / 1024)} GiB</td></tr>`).join('')}</table>`;
  return html;
}

async function drawQueues() {
  const qs = await getJson('queues');
  let html = `<h2>Queues</h2><table id="queues"><tr><th>queue</th><th>GPUs in use</th><th>share of cluster</th>
    <th>running</th><th>pending</th><th>admitted / min (5 min)</th><th>wait p50</th><th>wait p90</th>
    <th>why they wait</th></tr>`;
  for (const q of qs) {
    html += `<tr data-queue="${esc(q.name)}"><td><b>${esc(q.name)}</b></td><td>${num(q.gpusInUse, 2)}</td>
      <td>${pct(q.shareOfCluster)}</td><td>${q.running}</td><td class="pending">${q.pendingCount}</td>
      <td>${num(q.admissionsPerMinute, 1)}</td><td>${q.waitP50Seconds === null ? '—' : num(q.waitP50Seconds) + ' s'}</td>
      <td>${q.waitP90Seconds === null ? '—' : num(q.waitP90Seconds) + ' s'}</td>
      <td>${Object.entries(q.reasons).map(([r, n]) => `<span class="chip">${n} × ${esc(r)}</span>`).join('')}</td></tr>`;
  }
  html += '</table><p class="muted">The scheduler has no quotas yet: usage is shown against the cluster.</p>';
  for (const q of qs.filter((x) => x.pending.length)) {
    html += `<h3>${esc(q.name)}: waiting, oldest first</h3><table><tr><th>workload</th><th>kind</th><th>pods × GPUs</th>
      <th>waiting</th><th>reason</th></tr>${q.pending.map((p) => `<tr class="link" data-workload="${esc(p.id)}"
      onclick="location.hash='#/workloads/${seg(p.id)}'"><td>${esc(p.name || p.id)}</td><td>${esc(p.kind)}</td>
      <td>${p.workers} × ${p.gpusPerWorker}</td><td>${ago(p.submittedAt)}</td><td>${esc(p.reason)}</td></tr>`).join('')}
      </table>`;
  }
  return html;
}

const filters = { q: '', status: '', queue: '', kind: '' };

// The filters are drawn once; live changes and typing redraw only the list under them, so typing is never cut.
async function drawWorkloads() {
  const statuses = ['', 'PENDING', 'ADMITTED', 'STARTING', 'RUNNING', 'PREEMPTED', 'RETRYING', 'SUCCEEDED', 'FAILED',
    'CANCELLED', 'RELEASED'];
  return `<h2>Workloads</h2><div id="workload-counts" class="stats"></div>
    <form class="filters" id="filters" onsubmit="return false">
      <input id="f-q" placeholder="search id, name, queue, reason" value="${esc(filters.q)}" size="32">
      <select id="f-status">${statuses.map((s) => `<option ${s === filters.status ? 'selected' : ''}
        value="${s}">${s || 'any status'}</option>`).join('')}</select>
      <input id="f-queue" placeholder="queue" value="${esc(filters.queue)}" size="12">
      <select id="f-kind">${['', 'training', 'replica'].map((s) => `<option ${s === filters.kind ? 'selected' : ''}
        value="${s}">${s || 'any kind'}</option>`).join('')}</select></form>
    <div id="workload-results">${await drawWorkloadResults()}</div>`;
}

async function drawWorkloadResults() {
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const [rows, status] = await Promise.all([getJson('workloads?' + qs), getJson('status')]);
  const counts = document.getElementById('workload-counts');
  const countsHtml = Object.entries(status.workloads).map(([k, v]) =>
    `<div class="stat"><b>${v}</b><span>${esc(k.toLowerCase())}</span></div>`).join('');
  if (counts) counts.innerHTML = countsHtml;
  else setTimeout(() => { const c = document.getElementById('workload-counts'); if (c) c.innerHTML = countsHtml; });
  let html = `<table id="workloads"><tr><th>workload</th><th>name</th><th>kind</th><th>queue</th><th>status</th>
    <th>pods × GPUs</th><th>attempt</th><th>submitted</th><th>reason</th></tr>`;
  for (const w of rows) {
    html += `<tr class="link" data-workload="${esc(w.id)}" onclick="location.hash='#/workloads/${seg(w.id)}'">
      <td>${esc(w.id)}</td><td>${esc(w.name)}</td><td>${esc(w.kind)}</td><td>${esc(w.queue)}</td>
      <td class="status">${badge(w.status)}</td>
      <td>${w.workers} × ${w.gpusPerWorker}${w.gpuMilli < 1000 && w.gpusPerWorker ? ' (' + w.gpuMilli + 'm)' : ''}</td>
      <td>${w.attempt}</td><td>${ago(w.submittedAt)} ago</td><td>${esc(w.reason || '')}</td></tr>`;
  }
  return html + '</table>' + (rows.length ? '' : '<p class="muted">nothing matches</p>');
}

function wireWorkloadFilters() {
  const form = document.getElementById('filters');
  if (!form) return;
  let timer;
  const read = () => {
    filters.q = document.getElementById('f-q').value;
    filters.status = document.getElementById('f-status').value;
    filters.queue = document.getElementById('f-queue').value;
    filters.kind = document.getElementById('f-kind').value;
    clearTimeout(timer);
    timer = setTimeout(() => render(), 250);
  };
  form.addEventListener('input', read);
  form.addEventListener('change', read);
}

async function drawWorkload(id) {
  const d = await getJson('workloads/' + seg(id));
  if (!d) return `<h2>${esc(id)}</h2><p class="muted">not known to the console (yet)</p>`;
  const w = d.workload;
  let html = `<p><a href="#/workloads">← workloads</a></p><h2>${esc(w.name || w.id)} ${badge(w.status)}</h2>
    <table class="kv"><tr><th>id</th><td id="wl-id">${esc(w.id)}</td><th>queue</th><td>${esc(w.queue)}</td></tr>
    <tr><th>kind</th><td>${esc(w.kind)}${w.service ? ` of <a href="#/services/${seg(w.service)}">${esc(w.service)}</a>`
      : ''}</td><th>attempt</th><td>${w.attempt}</td></tr>
    <tr><th>image</th><td>${esc(d.image)}</td><th>per pod</th><td>${d.perPod.gpus} GPU${d.perPod.gpuMilli < 1000
      && d.perPod.gpus ? ' × ' + d.perPod.gpuMilli + 'm' : ''}, ${num(d.perPod.cpuMilli / 1000)} CPU,
      ${num(d.perPod.memoryMib / 1024)} GiB</td></tr>
    <tr><th>submitted</th><td>${time(w.submittedAt)}</td><th>admitted</th><td>${time(d.admittedAt)}</td></tr>
    <tr><th>reason</th><td colspan="3" id="wl-reason">${esc(w.reason || '—')}</td></tr></table>
    <h3>Pods and placement</h3><table id="pods"><tr><th>pod</th><th>role</th><th>rank</th><th>node</th><th>GPUs</th>
    <th>share</th><th>model</th></tr>${d.pods.map((p) => `<tr><td>${esc(p.pod)}</td><td>${esc(p.role)}</td>
    <td>${p.rank}</td><td>${esc(p.node)}</td><td>${esc(p.gpuIndices.join(', '))}</td>
    <td>${p.migProfile ? esc(p.migProfile) : p.gpuMilli + 'm'}</td><td>${esc(p.gpuModel)}</td></tr>`).join('')}</table>
    <h3>History</h3><ul class="timeline" id="history">`;
  for (const h of [...d.history].reverse()) {
    html += `<li><time>${time(h.at)}</time><b>${esc(h.event)}</b> ${esc(h.detail || '')}</li>`;
  }
  return html + '</ul>';
}

async function drawServices() {
  const list = await getJson('services');
  return `<h2>Inference services</h2><table id="services"><tr><th>service</th><th>model</th><th>queue</th>
    <th>replicas planned / ready</th><th>bounds</th><th>requests / s</th><th>traffic</th><th>rollout</th>
    <th>last decision</th></tr>${list.map((s) => `<tr class="link" data-service="${esc(s.name)}"
    onclick="location.hash='#/services/${seg(s.name)}'"><td><b>${esc(s.name)}</b>${s.deleted ? ' <span class="error">'
    + 'deleted</span>' : ''}</td><td>${esc(s.model)}</td><td>${esc(s.queue)}</td><td>${s.plannedReplicas} /
    ${s.readyReplicas}</td><td>${s.minReplicas}–${s.maxReplicas}</td><td>${num(s.requestsPerSecond, 2)}</td>
    <td>${esc(s.weights)}</td><td>${esc(s.rolloutPhase || '—')}</td><td>${esc(s.lastDecision || '—')}</td></tr>`)
    .join('')}</table>${list.length ? '' : '<p class="muted">no inference services</p>'}`;
}

async function drawService(name) {
  const d = await getJson('services/' + seg(name));
  if (!d) return `<h2>${esc(name)}</h2><p class="muted">not known to the console</p>`;
  const s = d.service;
  const t = d.timeline.map((p) => [new Date(p.at).getTime(), p]);
  const since = t.length ? t[0][0] : 0;
  const desired = d.decisions.map((x) => [new Date(x.at).getTime(), x.desired]).filter((p) => p[0] >= since);
  if (desired.length && t.length) desired.push([t[t.length - 1][0], desired[desired.length - 1][1]]);
  const r = d.rollout;
  let html = `<p><a href="#/services">← inference services</a></p><h2>${esc(s.name)} <span class="muted">
    ${esc(s.model)}</span></h2>
    <div class="stats"><div class="stat"><b>${s.plannedReplicas}</b><span>replicas planned</span></div>
    <div class="stat"><b>${s.readyReplicas}</b><span>ready (gateway)</span></div>
    <div class="stat"><b>${num(s.requestsPerSecond, 2)}</b><span>requests / s</span></div>
    <div class="stat" id="rollout-phase"><b>${esc(r ? r.phase : 'stable')}</b><span>${r ? `${esc(r.from)} → ${esc(r.to)},
      step ${r.step}${r.verdict ? ', ' + esc(r.verdict) : ''}` : 'no rollout'}</span></div></div>
    <h3>Request rate and replicas (last 30 min)</h3>
    ${chart([
      { label: 'requests / s', color: '#4aa3ff', points: t.map(([x, p]) => [x, p.requestsPerSecond]) },
      { label: 'errors / s', color: '#ef4444', points: t.map(([x, p]) => [x, p.errorsPerSecond]) },
      { label: 'ready replicas', color: '#22c55e', points: t.map(([x, p]) => [x, p.readyReplicas]), step: true },
      { label: 'desired (autoscaler)', color: '#f59e0b', points: desired, step: true, dashed: true },
    ])}
    <h3>Revisions (${esc(d.planReason || '')})</h3><table id="revisions"><tr><th>revision</th><th>model</th>
    <th>weight</th><th>replicas</th><th>ready</th><th>requests / s</th><th>error rate</th><th>p50</th><th>p99</th></tr>
    ${d.revisions.map((v) => `<tr data-revision="${esc(v.name)}"><td>${esc(v.name)}</td><td>${esc(v.model)}</td>
    <td>${v.weight} %</td><td>${v.replicas}</td><td>${v.readyReplicas ?? '—'}</td><td>${num(v.requestsPerSecond, 2)}</td>
    <td>${pct(v.errorRate)}</td><td>${num(v.p50LatencyMs, 0)} ms</td><td>${num(v.p99LatencyMs, 0)} ms</td></tr>`)
    .join('')}</table>
    <div class="two"><div><h3>Rollout steps and canary verdicts</h3><ul class="timeline" id="plans">
    ${[...d.plans].reverse().slice(0, 40).map((p) => `<li><time>${time(p.at)}</time>${p.verdict ? badge(p.verdict)
      : ''} <b>${esc(p.weights)}</b> ${p.phase ? esc(p.phase) + (p.step !== null ? ' step ' + p.step : '') : ''}
      <div class="muted">${esc(p.reason || '')}</div></li>`).join('')}</ul></div>
    <div><h3>Autoscaler decisions</h3><table id="decisions"><tr><th>at</th><th>replicas</th><th>reason</th>
    <th>figures</th></tr>${[...d.decisions].reverse().slice(0, 30).map((x) => `<tr><td>${time(x.at)}</td>
    <td>${x.current} → ${x.desired}</td><td>${esc(x.reason)}</td><td class="muted">${Object.entries(x.figures || {})
      .map(([k, v]) => `${esc(k)}=${num(v, 2)}`).join(' ')}</td></tr>`).join('')}</table></div></div>`;
  return html;
}

async function drawModels() {
  const list = await getJson('models');
  return `<h2>Models</h2><table id="models"><tr><th>model</th><th>versions</th><th>latest</th><th>aliases</th>
    <th>last alias move</th></tr>${list.map((m) => `<tr class="link" data-model="${esc(m.name)}"
    onclick="location.hash='#/models/${seg(m.name)}'"><td><b>${esc(m.name)}</b></td><td>${m.versions}</td>
    <td>${m.latestVersion ?? '—'}</td><td>${Object.entries(m.aliases).map(([a, v]) =>
      `<span class="chip">${esc(a)} → v${v}</span>`).join('')}</td><td>${m.lastMoveAt ? ago(m.lastMoveAt) + ' ago'
      : '—'}</td></tr>`).join('')}</table>${list.length ? '' : '<p class="muted">no models registered</p>'}`;
}

async function drawModel(name) {
  const m = await getJson('models/' + seg(name));
  if (!m) return `<h2>${esc(name)}</h2><p class="muted">not known to the console</p>`;
  let html = `<p><a href="#/models">← models</a></p><h2>${esc(m.name)}</h2><p id="action-result"></p>
    <h3>Aliases</h3><table id="aliases"><tr><th>alias</th><th>version</th><th></th></tr>`;
  for (const [alias, v] of Object.entries(m.aliases)) {
    html += `<tr data-alias="${esc(alias)}"><td><b>${esc(alias)}</b></td><td class="version">v${v}</td><td>
      <button class="rollback" data-alias="${esc(alias)}" data-version="${v}">Roll back…</button></td></tr>`;
  }
  html += `</table><div class="two"><div><h3>Versions</h3><table id="versions"><tr><th>version</th><th>from job</th>
    <th>registered</th><th>by</th><th>aliases</th><th></th></tr>`;
  for (const v of m.versions) {
    const here = Object.entries(m.aliases).filter(([, x]) => x === v.version).map(([a]) => a);
    html += `<tr data-version="${v.version}"><td>v${v.version}</td><td>${v.sourceWorkloadId
      ? `<a href="#/workloads/${seg(v.sourceWorkloadId)}">${esc(v.sourceWorkloadId)}</a>` : '—'}</td>
      <td>${time(v.registeredAt)}</td><td>${esc(v.actor || '')}</td><td>${here.map((a) => `<span class="chip">${esc(a)}
      </span>`).join('')}</td><td><button class="promote" data-version="${v.version}">Promote…</button></td></tr>`;
  }
  html += `</table></div><div><h3>Alias history</h3><ul class="timeline" id="alias-history">
    ${m.history.map((h) => `<li data-alias="${esc(h.alias)}"><time>${time(h.at)}</time><b>${esc(h.alias)}</b>
      ${h.kind === 'removed' ? `removed (was v${h.fromVersion})` : `${h.fromVersion ? 'v' + h.fromVersion : 'unset'} →
      v${h.toVersion}`} <span class="muted">by ${esc(h.actor || '?')}</span><div class="reason">${esc(h.reason || '')}
      </div></li>`).join('')}</ul></div></div>`;
  return html;
}

function wireModelActions(name) {
  page.querySelectorAll('button.rollback').forEach((b) => b.addEventListener('click', () => {
    const alias = b.dataset.alias;
    const version = Number(b.dataset.version);
    confirmAction(`Roll back ${name}@${alias}?`, `${name}@${alias} points at v${version}. It goes back to the version it `
      + 'pointed at before, for every service that follows it.', (reason) => fetch(
      `${API}models/${seg(name)}/aliases/${seg(alias)}/rollback`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ expectedVersion: version, reason }),
      }));
  }));
  page.querySelectorAll('button.promote').forEach((b) => b.addEventListener('click', () => {
    const version = Number(b.dataset.version);
    const alias = prompt(`Point which alias of ${name} at v${version}?`, 'production');
    if (!alias) return;
    const cell = page.querySelector(`#aliases tr[data-alias="${CSS.escape(alias)}"] .version`);
    const expected = cell ? Number(cell.textContent.trim().slice(1)) : null;
    confirmAction(`Promote ${name} v${version} to ${alias}?`, `${name}@${alias} points at `
      + `${expected ? 'v' + expected : 'nothing'} now.`, (reason) => fetch(
      `${API}models/${seg(name)}/aliases/${seg(alias)}`, {
        method: 'PUT', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ version, expectedVersion: expected, reason }),
      }));
  }));
}

// The confirmation dialog: the action runs only after a reason is typed and Confirm is pressed.
function confirmAction(title, text, act) {
  const dlg = document.getElementById('confirm');
  const reason = document.getElementById('confirm-reason');
  const ok = document.getElementById('confirm-ok');
  const err = document.getElementById('confirm-error');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  reason.value = '';
  ok.disabled = true;
  err.hidden = true;
  reason.oninput = () => { ok.disabled = reason.value.trim() === ''; };
  document.getElementById('confirm-cancel').onclick = () => dlg.close();
  document.getElementById('confirm-form').onsubmit = async (ev) => {
    ev.preventDefault();
    ok.disabled = true;
    const r = await act(reason.value.trim());
    if (r.ok) {
      dlg.close();
      const body = await r.json().catch(() => ({}));
      const res = document.getElementById('action-result');
      if (res) {
        res.className = 'ok';
        res.textContent = `${title.replace(/\?$/, '')}: done${body.version ? ', now v' + body.version : ''}.`;
      }
    } else {
      err.textContent = await problemText(r);
      err.hidden = false;
      ok.disabled = false;
    }
  };
  dlg.showModal();
  reason.focus();
}

async function drawExperiments() {
  const list = await getJson('experiments');
  return `<h2>Tuning experiments</h2><table id="experiments"><tr><th>experiment</th><th>state</th><th>trials</th>
    <th>by state</th><th>best</th><th>reason</th></tr>${list.map((x) => `<tr class="link" data-experiment="${esc(x.name)}"
    onclick="location.hash='#/tuning/${seg(x.name)}'"><td><b>${esc(x.name)}</b></td><td>${badge(x.state)}</td>
    <td>${x.trials}</td><td>${Object.entries(x.trialsByState).map(([k, v]) => `<span class="chip">${v} ${esc(k)}</span>`)
      .join('')}</td><td>${x.bestValue === null ? '—' : num(x.bestValue, 4) + ' (' + esc(x.bestTrialId) + ')'}</td>
    <td>${esc(x.reason || '')}</td></tr>`).join('')}</table>${list.length ? '' : '<p class="muted">no experiments</p>'}`;
}

const PALETTE = ['#4aa3ff', '#22c55e', '#f59e0b', '#a855f7', '#ef4444', '#14b8a6', '#eab308', '#ec4899', '#84cc16'];

async function drawExperiment(name) {
  const d = await getJson('experiments/' + seg(name));
  if (!d) return `<h2>${esc(name)}</h2><p class="muted">not known to the console</p>`;
  const x = d.experiment;
  const metric = d.trials.flatMap((t) => Object.keys(t.curves))[0];
  const series = d.trials.filter((t) => metric && t.curves[metric]).map((t, i) => ({
    label: `#${t.number}`, color: PALETTE[i % PALETTE.length], points: t.curves[metric],
    dashed: t.state === 'STOPPED' || t.state === 'FAILED', opacity: t.state === 'RUNNING' ? 1 : 0.75,
    legend: i < 15,
  }));
  return `<p><a href="#/tuning">← experiments</a></p><h2>${esc(x.name)} ${badge(x.state)}</h2>
    <p>${esc(x.reason || '')} ${x.bestValue !== null ? `best so far ${num(x.bestValue, 4)} (${esc(x.bestTrialId)})` : ''}
    </p><h3>Learning curves${metric ? ': ' + esc(metric) : ''} (dashed: stopped or failed)</h3>
    ${chart(series, { xTime: false, yLabel: metric || '' })}
    <h3>Trials</h3><table id="trials"><tr><th>#</th><th>trial</th><th>state</th><th>parameters</th><th>step</th>
    <th>value</th><th>why it ended</th></tr>${d.trials.map((t) => `<tr data-trial="${esc(t.trialId)}"><td>${t.number}</td>
    <td>${esc(t.trialId)}</td><td>${badge(t.state)}</td>
    <td class="muted">${Object.entries(t.params || {}).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(' ')}</td>
    <td>${t.step ?? '—'}</td><td>${num(t.value, 4)}</td><td>${esc(t.reason || '')}</td></tr>`).join('')}</table>`;
}

// ------------------------------------------------------------------ routing and the live stream

let current = null;

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [first, arg] = parts;
  const detail = { workloads: 'workload', services: 'service', models: 'model', tuning: 'experiment' };
  const name = arg && detail[first] ? detail[first] : pages[first] ? first : 'gpus';
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === (
    Object.entries(detail).find(([, v]) => v === name)?.[0] || name)));
  return { name, arg };
}

let drawing = false;
let again = false;

async function render() {
  if (drawing) { again = true; return; }
  drawing = true;
  try {
    const r = route();
    const samePage = current && current.name === r.name && current.arg === r.arg && page.dataset.page === r.name;
    current = r;
    const results = document.getElementById('workload-results');
    if (samePage && r.name === 'workloads' && results) {
      results.innerHTML = await drawWorkloadResults();
      page.dataset.drawnAt = String(Date.now());
      return;
    }
    const html = await pages[r.name].draw(r.arg);
    // Keep the search box's focus and caret while the list under it is redrawn.
    const focused = document.activeElement && document.activeElement.id;
    const caret = focused && document.activeElement.selectionStart;
    page.innerHTML = html;
    page.dataset.page = r.name;
    page.dataset.drawnAt = String(Date.now());
    if (r.name === 'workloads') wireWorkloadFilters();
    if (r.name === 'model') wireModelActions(r.arg);
    if (focused && document.getElementById(focused)) {
      const el = document.getElementById(focused);
      el.focus();
      if (caret !== null && el.setSelectionRange) el.setSelectionRange(caret, caret);
    }
  } catch (e) {
    page.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  } finally {
    drawing = false;
    if (again) { again = false; render(); }
  }
}

function connect() {
  const es = new EventSource(API + 'stream');
  es.onopen = () => { live.className = 'live on'; live.textContent = 'live'; };
  es.onmessage = (m) => {
    const change = JSON.parse(m.data);
    live.textContent = `live · ${new Date().toLocaleTimeString()}`;
    live.dataset.version = change.version;
    const wanted = current ? pages[current.name].sections : [];
    // A dialog open on the page stays: the page is drawn again once it closes.
    if (document.getElementById('confirm').open) return;
    if (change.sections.some((s) => wanted.includes(s))) render();
  };
  es.onerror = () => { live.className = 'live off'; live.textContent = 'reconnecting…'; };
}

window.addEventListener('hashchange', render);
document.getElementById('confirm').addEventListener('close', render);
render();
connect();
