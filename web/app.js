// Encore demo UI: load a feed, show reasons and the per-stage trace, send like / skip / dislike events.
const $ = (id) => document.getElementById(id);
let current = null;
// `encore start` writes a feed+events key into the page (never in any other mode); send it when present.
const pageKey = document.querySelector('meta[name="encore-api-key"]')?.content;
const auth = pageKey ? { authorization: `Bearer ${pageKey}` } : {};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

async function loadFeed() {
  const user = $('user').value.trim();
  const surface = $('surface').value;
  const params = new URLSearchParams({ surface, limit: '30' });
  if (surface === 'radio' && $('seed').value.trim()) params.set('seedTrackId', $('seed').value.trim());
  $('status').textContent = 'loading…';
  const res = await fetch(`/v1/users/${encodeURIComponent(user)}/feed?${params}`, { headers: auth });
  const body = await res.json();
  if (!res.ok) {
    $('status').textContent = `${res.status}: ${body.message}`;
    return;
  }
  current = { user, feed: body };
  $('status').textContent = `model ${body.modelVersion} · ${body.items.length} tracks · ${body.trace.totalMs.toFixed(1)} ms`;
  render(body);
  void sendEvents(body.items.map((item, position) => event('impression', user, item, body, { position, ...(item.propensity !== undefined ? { propensity: item.propensity } : {}) })));
}

function event(type, user, item, feed, extra) {
  return {
    eventId: crypto.randomUUID(),
    type,
    userId: user,
    trackId: item.trackId,
    timestamp: Date.now(),
    surface: feed.surface,
    requestId: feed.requestId,
    ...extra,
  };
}

async function sendEvents(events) {
  const res = await fetch('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ events }) });
  if (!res.ok) console.warn('events rejected', res.status, await res.text());
  return res.ok;
}

async function act(type, item) {
  if (!current) return;
  const extra = type === 'skip' ? { position: 5000 } : {};
  const ok = await sendEvents([event(type, current.user, item, current.feed, extra)]);
  $('status').textContent = ok ? `${type} sent for ${item.title}; reloading…` : `${type} failed`;
  if (ok) await loadFeed();
}

function render(feed) {
  const list = $('items');
  list.replaceChildren();
  for (const item of feed.items) {
    list.append(
      el('li', {},
        el('div', { class: 'title' }, item.title),
        el('div', { class: 'meta' }, `${item.artist} · ${item.album} · ${item.trackId} · score ${item.score.toFixed(3)} · ${item.sources.join(', ')}`),
        el('div', { class: item.exploration ? 'reason explore' : 'reason' }, item.reason + (item.propensity !== undefined ? ` (p = ${item.propensity.toFixed(3)})` : '')),
        el('div', { class: 'actions' },
          el('button', { onclick: () => act('like', item) }, '♥ like'),
          el('button', { onclick: () => act('skip', item) }, '⏭ skip'),
          el('button', { onclick: () => act('dislike', item) }, '✕ dislike'),
          el('button', { onclick: () => { $('surface').value = 'radio'; $('seed').value = item.trackId; void loadFeed(); } }, '📻 radio')),
      ),
    );
  }
  $('summary').textContent = `total ${feed.trace.totalMs.toFixed(2)} ms · request ${feed.requestId}`;
  const rows = $('trace');
  rows.replaceChildren();
  for (const s of feed.trace.stages) {
    rows.append(el('tr', { class: s.status === 'ok' ? '' : 'bad', title: s.detail || '' },
      el('td', {}, s.name), el('td', { class: 'num' }, s.ms.toFixed(2)), el('td', { class: 'num' }, String(s.in)),
      el('td', { class: 'num' }, String(s.out)), el('td', {}, s.status)));
  }
  const degraded = $('degraded');
  degraded.replaceChildren(...(feed.degraded.length ? feed.degraded.map((d) => el('li', { class: 'bad' }, `${d.component}: ${d.reason}`)) : [el('li', {}, 'nothing')]));
}

$('load').addEventListener('click', () => void loadFeed());
$('user').addEventListener('keydown', (e) => { if (e.key === 'Enter') void loadFeed(); });
void loadFeed();
