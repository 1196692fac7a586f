// The supervisor's page: the floor now, live (docs/REPORTS.md "Live figures").
import { api, el, clear, fmt, labels, toast, detailText, actorText } from '/static/app.js';
import { staffBar, liveFigures, tile, fillTiles, thresholds, wait, talk, managerLoad } from '/static/staff.js';

const TILES = [
  ['callsInProgress', 'Разговоров сейчас'], ['waitingCallers', 'Ждут в очереди'], ['missedToday', 'Пропущено сегодня'],
  ['abandonRate', 'Доля потерянных'], ['serviceLevel', 'Уровень сервиса'], ['callbackBacklog', 'Ждут перезвона'],
  ['speedToLead', 'Скорость реакции'], ['breaches', 'Опоздания 5 / 20 мин'], ['overdueTasks', 'Просроченные задачи'],
  ['noNextStep', 'Без следующего шага'], ['unassigned', 'Без менеджера'], ['controlTasks', 'Контроль закрытия'],
];

let managers = [];
let lastUnassignedKey = '';

function renderManagers(s) {
  const th = thresholds(s);
  managers = s.managers || [];
  const body = clear(document.querySelector('#managers tbody'));
  for (const m of managers) {
    const load = managerLoad(m);
    const overLoad = load !== null && load >= th.loadRedAbove;
    const talkSeconds = m.talkSecondsToday ?? 0;
    const overTalk = m.talkOverLimit ?? talkSeconds > th.talkLimitSeconds;
    const state = m.pbxPaused && m.state === 'ON_SHIFT' ? 'пауза на АТС' : (labels.managerState[m.state] || m.state);
    body.append(el('tr', { dataset: { managerId: m.id } },
      el('th', { scope: 'row' }, m.name, el('span', { class: 'muted ext' }, ' ' + (m.extension || ''))),
      el('td', {}, el('span', { class: 'badge ' + (m.state === 'ON_SHIFT' && !m.pbxPaused ? 'ok' : 'neutral') }, state)),
      el('td', {}, labels.phoneState[m.phoneState] || m.phoneState || '—'),
      el('td', { class: overLoad ? 'red-text' : null, dataset: { red: overLoad ? 'true' : 'false' } },
        (m.activeDeals ?? '—') + ' / ' + (m.maxActiveDeals ?? '—')),
      el('td', {}, m.rating === null || m.rating === undefined ? '—' : fmt.percent(m.rating)),
      el('td', { class: 'calls-today' }, fmt.number(m.callsToday ?? null)),
      el('td', { class: 'talk-today' + (overTalk ? ' red-text' : ''), dataset: { red: overTalk ? 'true' : 'false' } },
        talk(talkSeconds), overTalk ? el('span', { class: 'badge danger flag' }, 'больше 3 ч') : null),
      el('td', { class: (m.overdueTasks ?? 0) > 0 ? 'red-text' : null }, fmt.number(m.overdueTasks ?? 0))));
  }
  if (!managers.length) {
    body.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'Менеджеров пока нет.')));
  }
}

let lastControlKey = '';

function renderControl(s) {
  const c = s.controlTasks || { count: 0, items: [] };
  // Rebuilt only when it changed: a focused button (keyboard) or a click on its way stays where it is.
  const key = JSON.stringify(c);
  if (key === lastControlKey) {
    return;
  }
  lastControlKey = key;
  const list = clear(document.getElementById('control-tasks'));
  document.getElementById('control-empty').classList.toggle('hidden', (c.items || []).length > 0);
  for (const t of c.items || []) {
    list.append(el('li', { class: t.overdue ? 'red-text' : null, dataset: { dealId: t.dealId, taskId: t.taskId } },
      el('button', { type: 'button', class: 'link', onclick: () => openDeal(t.dealId),
        'aria-label': 'Открыть историю сделки №' + t.dealId }, 'Сделка №' + t.dealId),
      ' · ' + (t.title || 'Проконтролировать закрытие сделки'), ' · срок ' + fmt.dateTime(t.dueAt),
      t.overdue ? ' · просрочено' : ''));
  }
  if ((c.count || 0) > (c.items || []).length) {
    list.append(el('li', { class: 'muted' }, 'и ещё ' + (c.count - c.items.length)));
  }
}

async function loadUnassigned(force = false) {
  let data;
  try {
    data = await api('GET', '/api/routing/unassigned?limit=50');
  } catch (e) {
    return;
  }
  const key = JSON.stringify(data.deals.map((d) => d.dealId)) + '|' + managers.map((m) => m.id + m.state).join();
  if (!force && key === lastUnassignedKey) {
    return; // keep a half-made choice in a select
  }
  lastUnassignedKey = key;
  document.getElementById('unassigned-total').textContent = data.total;
  document.getElementById('unassigned-empty').classList.toggle('hidden', data.deals.length > 0);
  document.getElementById('unassigned').classList.toggle('hidden', data.deals.length === 0);
  const body = clear(document.querySelector('#unassigned tbody'));
  for (const d of data.deals) {
    const selectId = 'assign-' + d.dealId;
    const select = el('select', { id: selectId },
      el('option', { value: '' }, 'менеджер…'),
      managers.map((m) => el('option', { value: m.id }, m.name + ' (' + (m.activeDeals ?? 0) + '/' + (m.maxActiveDeals ?? '—') + ')')));
    const button = el('button', { type: 'button', class: 'primary', onclick: () => assign(d.dealId, select) }, 'Назначить');
    body.append(el('tr', { dataset: { dealId: d.dealId } },
      el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => openDeal(d.dealId) }, '№' + d.dealId),
        el('div', { class: 'muted phone' }, d.phone ? fmt.phone(d.phone) : (d.email || ''))),
      el('td', {}, fmt.relative(d.waitingSince || d.arrivedAt)),
      el('td', { class: 'why' }, labels.why(d.reason) || '—'),
      el('td', {}, el('label', { for: selectId, class: 'sr-only' }, 'Менеджер для заявки №' + d.dealId), select, button)));
  }
}

async function assign(dealId, select) {
  if (!select.value) {
    toast('Выберите менеджера', 'error');
    select.focus();
    return;
  }
  const body = { managerId: Number(select.value), reason: 'назначено руководителем с панели' };
  try {
    await api('POST', '/api/deals/' + dealId + '/assign', body);
  } catch (e) {
    if (e.status === 409 && confirm('У менеджера полная нагрузка. Назначить сверх лимита?')) {
      try {
        await api('POST', '/api/deals/' + dealId + '/assign', Object.assign(body, { force: true }));
      } catch (e2) {
        toast('Не назначено: ' + (e2.detail || e2.message), 'error');
        return;
      }
    } else {
      toast('Не назначено: ' + (e.detail || e.message), 'error');
      return;
    }
  }
  const chosen = managers.find((m) => String(m.id) === String(select.value));
  toast('Заявка №' + dealId + ' назначена: ' + (chosen ? chosen.name : 'менеджер №' + select.value), 'ok');
  lastUnassignedKey = '';
  loadUnassigned(true);
  feed.refetch();
}

const HISTORY = labels.history;

let funnel = null;

/** The funnel's names of stages and reasons (GET /api/funnel), once. */
async function funnelNames() {
  if (!funnel) {
    funnel = api('GET', '/api/funnel').catch(() => null);
  }
  return (await funnel) || {};
}

function reasonName(f, code) {
  const all = [].concat(f.lossReasons || [], f.winReasons || [], f.invalidReasons || []);
  const r = all.find((x) => x.code === code || x.id === code);
  return r ? (r.name || r.label || code) : code;
}

function stageName(f, code) {
  const st = (f.stages || []).find((x) => x.code === code || x.id === code);
  return st ? (st.name || st.label || code) : code;
}

function managerName(id) {
  const m = managers.find((x) => x.id === id);
  return m ? m.name : 'менеджер №' + id;
}

async function openDeal(id) {
  const dialog = document.getElementById('deal-dialog');
  const box = clear(document.getElementById('deal-body'));
  document.getElementById('deal-title').textContent = 'Сделка №' + id;
  box.append(el('p', { class: 'muted' }, 'Загрузка…'));
  if (!dialog.open) dialog.showModal();
  let d;
  let f;
  try {
    [d, f] = await Promise.all([api('GET', '/api/deals/' + id), funnelNames()]);
  } catch (e) {
    clear(box).append(el('p', { class: 'error' }, 'Сделка не загружена: ' + (e.detail || e.message)));
    return;
  }
  const contact = d.contact || {};
  clear(box).append(
    el('p', { id: 'deal-facts' }, (contact.name || 'без имени') + ' · ' + fmt.phone(contact.phone) + ' · '
      + (labels.dealStatus[d.status] || d.status) + (d.lossReason ? ' («' + reasonName(f, d.lossReason) + '»)' : '')
      + ' · ' + (d.managerId ? 'менеджер: ' + managerName(d.managerId) : 'без менеджера')),
    el('h3', {}, 'История'),
    el('ol', { class: 'history', id: 'deal-history' }, (d.history || []).map((h) => el('li', { dataset: { kind: h.kind } },
      el('span', { class: 'muted' }, fmt.dateTime(h.at) + ' '), HISTORY[h.kind] || h.kind,
      h.actor ? el('span', { class: 'muted' }, ' · ' + actorText(h.actor, { manager: managerName })) : null,
      h.details ? el('div', { class: 'details' }, describe(h, f)) : null))));
}

function describe(h, f) {
  return detailText(h.details, { reason: (c) => reasonName(f, c), stage: (c) => stageName(f, c), manager: managerName });
}

function render(s) {
  fillTiles(s);
  renderManagers(s);
  renderControl(s);
  document.getElementById('updated-at').textContent = 'обновлено ' + fmt.time(s.at);
  loadUnassigned();
}

const tiles = document.getElementById('tiles');
for (const [key, label] of TILES) tiles.append(tile(key, label));
document.getElementById('deal-close').addEventListener('click', () => document.getElementById('deal-dialog').close());
staffBar('/supervisor');
const stateBadge = document.getElementById('feed-state');
const feed = liveFigures(render, (state) => {
  stateBadge.textContent = state === 'live' ? 'в реальном времени' : 'переподключение…';
  stateBadge.className = 'badge ' + (state === 'live' ? 'ok' : 'warn');
});
window.dozvonFeed = feed;
