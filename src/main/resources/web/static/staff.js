// Shared code of the staff pages (supervisor, wallboard, reports, admin). Plain ES module, no build step.
//   import { staffBar, liveFigures, tile, thresholds, svg } from '/static/staff.js';
import { api, me, el, clear, fmt, logout, labels, stream } from '/static/app.js';
import { passwordButton } from '/static/account.js';

/** Defaults used while /api/live carries no `thresholds` (the server's `live:` settings win when present). */
export const DEFAULT_THRESHOLDS = {
  backlogRedAfterSeconds: 900, serviceLevelSeconds: 20, serviceLevelTarget: 0.8, abandonRateRedAbove: 0.1,
  longestWaitRedAfterSeconds: 60, speedToLeadRedAfterSeconds: 300, talkLimitSeconds: 10800, loadRedAbove: 1.0,
};

export function thresholds(snapshot) {
  return Object.assign({}, DEFAULT_THRESHOLDS, (snapshot && snapshot.thresholds) || {});
}

const PAGES = [
  ['/supervisor', 'Панель'],
  ['/wallboard', 'Табло'],
  ['/supervisor/reports', 'Отчёты'],
  ['/admin', 'Сотрудники и настройки'],
];

/** The top bar of a staff page: brand, navigation (current page marked), who is signed in, sign-out. */
export async function staffBar(current) {
  const bar = document.getElementById('topbar');
  const nav = el('nav', { class: 'staff-nav', 'aria-label': 'Разделы' },
    PAGES.map(([href, text]) => el('a', { href, 'aria-current': href === current ? 'page' : null }, text)));
  const who = el('span', { id: 'whoami', class: 'whoami' });
  const out = el('button', { type: 'button', class: 'link', id: 'logout', onclick: () => logout() }, 'Выйти');
  clear(bar).append(el('span', { class: 'brand' }, 'Дозвон'), nav, who, passwordButton(), out);
  try {
    const m = await me();
    who.textContent = m.name + ' · ' + (labels.role[m.role] || m.role);
    return m;
  } catch (e) {
    who.textContent = '';
    return null;
  }
}

/**
 * The floor's figures, live: the `snapshot` events of /api/live/stream as they come, and a fetch of /api/live
 * after any other event (throttled: at most one request in flight and one every `minGapMs`), so a figure moves
 * within a second of the event. Reconnects by itself, also when the browser gave up on the stream; an ended session
 * goes to /login (app.js stream()).
 * onState(state) gets 'live' | 'reconnecting'.
 */
export function liveFigures(onSnapshot, onState = () => {}, minGapMs = 250) {
  let inFlight = false;
  let again = false;
  let last = 0;
  let timer = null;
  let lastAt = -Infinity;

  function deliver(s) {
    // Snapshots may overtake each other (an event's fetch and the periodic push): keep the newest.
    // (by time, not by text: «…:00Z» sorts after «…:00.5Z» as text)
    const at = s && s.at ? Date.parse(s.at) : NaN;
    if (!Number.isNaN(at) && at < lastAt) {
      return;
    }
    lastAt = Number.isNaN(at) ? lastAt : at;
    onSnapshot(s);
  }

  async function refetch() {
    if (inFlight) {
      again = true;
      return;
    }
    const wait = last + minGapMs - Date.now();
    if (wait > 0) {
      if (!timer) {
        timer = setTimeout(() => { timer = null; refetch(); }, wait);
      }
      return;
    }
    inFlight = true;
    last = Date.now();
    try {
      deliver(await api('GET', '/api/live'));
    } catch (e) {
      console.warn('live figures not fetched', e);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        refetch();
      }
    }
  }

  const EVENTS = ['deal.created', 'deal.missed_again', 'call.ended', 'call.started', 'call.answered', 'call.placed',
    'call.failed', 'attempt.due', 'task.overdue', 'manager.phone', 'manager.state', 'deal.assigned', 'deal.closed',
    'deal.stage', 'queue.joined', 'queue.left', 'task.created', 'task.done'];

  const handlers = {
    onOpen: () => { onState('live'); refetch(); },
    onError: () => onState('reconnecting'),
    onReset: () => refetch(),
    snapshot: (s) => deliver(s),
    // Unnamed events arrive as 'message'; named ones not listed are caught by the periodic snapshot.
    message: () => refetch(),
  };
  for (const type of EVENTS) {
    handlers[type] = () => refetch();
  }
  // app.js stream(): reconnects (also when the browser gave up) and sends an ended session to /login.
  const source = stream(handlers);
  refetch();
  return { refetch, close: () => source.close() };
}

/** A figure tile: <div class="tile" id="tile-KEY"><span class="label">..</span><span class="value">..</span>..</div> */
export function tile(key, label, extra = '') {
  return el('div', { class: 'tile', id: 'tile-' + key, role: 'group', 'aria-labelledby': 'tile-' + key + '-label' },
    el('span', { class: 'tile-label', id: 'tile-' + key + '-label' }, label),
    el('span', { class: 'tile-value', 'aria-live': 'polite' }, '—'),
    el('span', { class: 'tile-note' }, extra));
}

/** Sets a tile's figure, its small note and whether it is red (over its threshold). */
export function setTile(key, value, note, red) {
  const t = document.getElementById('tile-' + key);
  if (!t) {
    return;
  }
  t.querySelector('.tile-value').textContent = value;
  if (note !== undefined) {
    t.querySelector('.tile-note').textContent = note;
  }
  t.classList.toggle('red', !!red);
  t.dataset.red = red ? 'true' : 'false';
}

/** Minutes and seconds for short waits, hours and minutes for long ones: «45 с», «3 мин 05 с», «2 ч 10 мин». */
export function wait(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + ' с';
  if (s < 3600) return Math.floor(s / 60) + ' мин ' + String(s % 60).padStart(2, '0') + ' с';
  return Math.floor(s / 3600) + ' ч ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + ' мин';
}

/** Talk time: «1 ч 30 мин», «12 мин». */
export function talk(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const m = Math.round(seconds / 60);
  return m >= 60 ? Math.floor(m / 60) + ' ч ' + String(m % 60).padStart(2, '0') + ' мин' : m + ' мин';
}

/**
 * Every tile the supervisor page and the wallboard share, from one snapshot. Returns nothing; sets the tiles
 * present in the page.
 */
export function fillTiles(s) {
  const th = thresholds(s);
  const sl = s.serviceLevel || {};
  const slSeconds = sl.seconds || th.serviceLevelSeconds;
  const slTarget = sl.target !== undefined && sl.target !== null ? sl.target : th.serviceLevelTarget;
  const backlog = s.callbackBacklog || {};
  const stl = s.speedToLead || {};
  setTile('callsInProgress', fmt.number(s.callsInProgress ?? 0), 'сейчас на линии');
  setTile('waitingCallers', fmt.number(s.waitingCallers ?? 0),
    'дольше всех: ' + wait(s.longestWaitSeconds ?? 0), (s.longestWaitSeconds ?? 0) > th.longestWaitRedAfterSeconds);
  setTile('missedToday', fmt.number(s.missedToday ?? 0), 'звонков за день: ' + fmt.number(s.callsToday ?? 0), false);
  setTile('abandonRate', fmt.percent(s.abandonRateToday ?? null),
    'потеряно ' + fmt.number(s.abandonedToday ?? 0) + ' из ' + fmt.number(s.inboundToday ?? 0) + ' входящих',
    s.abandonRateToday !== null && s.abandonRateToday !== undefined && s.abandonRateToday > th.abandonRateRedAbove);
  setTile('serviceLevel', fmt.percent(sl.share ?? null),
    'отвечено за ' + slSeconds + ' с, цель ' + fmt.percent(slTarget),
    sl.share !== null && sl.share !== undefined && sl.share < slTarget);
  setTile('callbackBacklog', fmt.number(backlog.count ?? 0),
    backlog.oldestDueAt ? 'самый старый ждёт ' + wait(backlog.oldestWaitingSeconds) : 'очередь пуста',
    (backlog.oldestWaitingSeconds ?? 0) > th.backlogRedAfterSeconds);
  setTile('speedToLead', wait(stl.medianSecondsToday ?? null),
    'медиана · p90 ' + wait(stl.p90SecondsToday ?? null),
    (stl.medianSecondsToday ?? 0) > th.speedToLeadRedAfterSeconds);
  setTile('breaches', fmt.number(stl.breaches5Minutes ?? 0) + ' / ' + fmt.number(stl.breaches20Minutes ?? 0),
    'позже 5 / 20 мин из ' + fmt.number(stl.leadsToday ?? 0) + ' заявок', (stl.breaches20Minutes ?? 0) > 0);
  setTile('overdueTasks', fmt.number(s.overdueTasks ?? 0), 'задач просрочено', (s.overdueTasks ?? 0) > 0);
  setTile('noNextStep', fmt.number(s.dealsWithoutNextStep ?? 0), 'сделок без следующего шага',
    (s.dealsWithoutNextStep ?? 0) > 0);
  setTile('unassigned', fmt.number(s.unassignedDeals ?? 0), 'заявок без менеджера', (s.unassignedDeals ?? 0) > 0);
  setTile('controlTasks', fmt.number((s.controlTasks && s.controlTasks.count) ?? 0), 'проверить закрытие', false);
}

export function managerLoad(m) {
  if (m.load !== undefined && m.load !== null && typeof m.load === 'number') return m.load;
  return m.maxActiveDeals ? m.activeDeals / m.maxActiveDeals : null;
}

// ---- charts: hand-made SVG (no inline style, so the page's CSP allows it) ----

const NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...kids) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) e.setAttribute(k, String(v));
  }
  for (const k of kids.flat()) {
    if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

/**
 * Horizontal bars: rows [{label, value, text}], a title for screen readers. Width fits its container.
 * The bar's length is value / max; text is written at its end.
 */
export function barChart(rows, title, opts = {}) {
  const rowH = opts.rowHeight || 26;
  const labelW = opts.labelWidth || 190;
  const width = opts.width || 560;
  const max = Math.max(1e-9, opts.max !== undefined ? opts.max : Math.max(0, ...rows.map((r) => r.value || 0)));
  const height = rows.length * rowH + 6;
  const plotW = width - labelW - 90;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title,
    class: 'chart bar-chart', preserveAspectRatio: 'xMinYMin meet' }, svg('title', {}, title));
  chart.style.maxWidth = width + 'px'; // CSSOM, which the CSP allows (a style attribute it would not)
  rows.forEach((r, i) => {
    const y = i * rowH + 3;
    const w = Math.max(r.value > 0 ? 2 : 0, (r.value || 0) / max * plotW);
    chart.append(
      svg('text', { x: labelW - 8, y: y + rowH / 2 + 5, 'text-anchor': 'end', class: 'chart-label' },
        r.label.length > 28 ? r.label.slice(0, 27) + '…' : r.label),
      svg('rect', { x: labelW, y: y + 3, width: w.toFixed(1), height: rowH - 8, rx: 3,
        class: 'chart-bar' + (r.kind ? ' chart-bar-' + r.kind : '') }, svg('title', {}, r.label + ': ' + r.text)),
      svg('text', { x: labelW + w + 6, y: y + rowH / 2 + 5, class: 'chart-value' }, r.text));
  });
  return chart;
}

/** Colour step 0..5 of a heatmap cell (CSS classes heat-0 .. heat-5; text contrast handled by the stylesheet). */
export function heatLevel(count, max) {
  if (!count) return 0;
  return Math.min(5, 1 + Math.floor((count / Math.max(1, max)) * 4.999));
}
