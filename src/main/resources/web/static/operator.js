// The operator's workplace: my state and my phone's, my task queue (live), the screen pop, the deal card with its
// whole timeline, and the actions on it. Plain ES module; talks only to /api (see README's endpoint table).
import { api, ApiError, me, stream, el, clear, toast, beep, fmt, labels, logout, detailText, actorText } from '/static/app.js';
import { openPasswordDialog } from '/static/account.js';

const $ = (id) => document.getElementById(id);

const OUTCOMES = ['REACHED', 'REACHED_CALL_LATER', 'NO_ANSWER', 'BUSY', 'UNAVAILABLE', 'FAILED'];

const FIELD_NAMES = labels.field;

const SOURCES = {
  missed_call: 'пропущенный звонок', web_form: 'форма на сайте', chat: 'чат', email: 'почта', messenger: 'мессенджер',
  manual: 'вручную', callback: 'обратный звонок',
};

/** What a refused call means, in Russian (409 rule of POST /api/deals/{id}/call). */
const CALL_RULES = {
  deal_closed: 'Сделка закрыта: звонить по ней нельзя.',
  number_withheld: 'У сделки нет номера телефона (номер скрыт или не указан).',
  no_extension: 'У вас не указан внутренний номер телефона: обратитесь к руководителю.',
  outside_calling_window: 'Сейчас нерабочее время для звонков клиенту.',
  number_limit: 'На этот номер уже звонили слишком часто: лимит звонков исчерпан.',
  operator_busy: 'Ваш телефон уже занят звонком.',
  pbx_down: 'Нет связи с АТС. Попробуйте через минуту.',
};

const STAGE_RULES = {
  missing_fields: 'Не заполнены обязательные поля',
};

const state = {
  me: null,
  funnel: null,
  tasks: [],
  selected: -1,
  deal: null,
  pop: null,
  freshDeals: new Set(),
  phoneOfDeal: new Map(), // from deal.created: an assignment that follows names the caller too
  // an assignment announced before its caller's number was known (the feed does not order deal.created and
  // deal.assigned, which come from two services): the alert is completed when the number arrives
  assignedWithoutPhone: null,
  contacts: new Map(), // dealId -> {phone, name}, for the queue's lines
};

// ---------- start ----------

async function start() {
  try {
    state.me = await me();
  } catch (e) {
    return; // api() sent the browser to /login on 401
  }
  $('me-name').textContent = state.me.name + (state.me.extension ? ' · доб. ' + state.me.extension : '');
  $('me-name').title = $('me-name').textContent;
  wireTopbar();
  wireCard();
  wireKeys();
  const [funnel] = await Promise.all([
    api('GET', '/api/funnel').catch(() => null),
    loadMyself(),
    loadQueue(),
  ]);
  state.funnel = funnel;
  connectLive();
  openFromHash();
  window.addEventListener('hashchange', openFromHash);
  document.body.dataset.ready = 'true';
}

/** {@code #deal=12} opens that deal's card (links, reloads, the browser's back button). */
function openFromHash() {
  const m = /deal=(\d+)/.exec(location.hash);
  if (m && !(state.deal && state.deal.id === Number(m[1]))) {
    openDeal(Number(m[1]));
  }
}

async function loadMyself() {
  if (typeof state.me.id !== 'number') {
    $('my-state').disabled = true;
    return;
  }
  try {
    const m = await api('GET', '/api/managers/' + state.me.id);
    $('my-state').value = m.state;
    showPhone(m.phoneState);
  } catch (e) {
    toast('Не удалось загрузить ваш статус: ' + message(e), 'error');
  }
}

function showPhone(phoneState) {
  const b = $('phone-state');
  b.textContent = labels.phoneState[phoneState] || labels.phoneState.UNKNOWN;
  b.dataset.state = phoneState || 'UNKNOWN';
  b.className = 'badge ' + ({ AVAILABLE: 'ok', RINGING: 'warn', IN_USE: 'warn', UNAVAILABLE: 'danger', UNREGISTERED: 'danger' }[phoneState] || 'neutral');
}

function wireTopbar() {
  const select = $('my-state');
  select.addEventListener('change', async () => {
    const wanted = select.value;
    select.disabled = true;
    try {
      const m = await api('PATCH', '/api/managers/' + state.me.id, { state: wanted });
      select.value = m.state;
      toast('Статус: ' + labels.managerState[m.state], 'ok', 3000);
    } catch (e) {
      toast('Статус не изменён: ' + message(e), 'error');
      loadMyself();
    } finally {
      select.disabled = false;
    }
  });
  $('logout').addEventListener('click', () => logout());
  $('change-password').addEventListener('click', () => openPasswordDialog());
  $('shortcuts-button').addEventListener('click', () => $('dlg-keys').showModal());
}

// ---------- live ----------

let queueTimer = null;
function refreshQueueSoon() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(loadQueue, 150);
}

function alertNew(text) {
  const a = $('alert');
  a.textContent = text;
  a.classList.remove('hidden', 'blink');
  void a.offsetWidth; // restart the animation
  a.classList.add('blink');
  document.title = '● ' + document.title.replace(/^● /, '');
  beep(880, 160);
  setTimeout(() => beep(1175, 160), 200);
}

function assignedText(dealId, phone) {
  return 'Вам передана сделка №' + dealId + (phone ? ': ' + fmt.phone(phone) : '');
}

/** Names the caller in the assignment alert still showing, once the number is known; no new beep. */
function completeAssignedAlert(dealId, phone) {
  if (!phone || state.assignedWithoutPhone !== dealId) { return; }
  state.assignedWithoutPhone = null;
  const a = $('alert');
  if (a.textContent === assignedText(dealId, null)) { a.textContent = assignedText(dealId, phone); }
}

function concernsOpenDeal(ev) {
  return state.deal && ev.dealId === state.deal.id;
}

function connectLive() {
  const live = $('live-state');
  const onDeal = (ev) => {
    refreshQueueSoon();
    if (openingId !== null && ev.dealId === openingId) {
      openDeal(openingId); // the deal being opened changed: read it again, in case the load read it before
    } else if (concernsOpenDeal(ev)) {
      reloadDeal();
    }
  };
  stream({
    onOpen: () => { live.textContent = 'онлайн'; live.className = 'badge ok'; },
    onError: () => { live.textContent = 'переподключение…'; live.className = 'badge warn'; },
    // the server no longer knows what was missed (a restart): the queue and the card are read again
    onReset: () => { loadQueue(); if (state.deal) { reloadDeal(); } },
    'deal.created': (ev) => {
      state.freshDeals.add(ev.dealId);
      if (state.phoneOfDeal.size > 500) { state.phoneOfDeal.clear(); }
      if (ev.data && ev.data.phone) { state.phoneOfDeal.set(ev.dealId, ev.data.phone); }
      if (state.assignedWithoutPhone === ev.dealId) {
        completeAssignedAlert(ev.dealId, ev.data && ev.data.phone);
      } else {
        alertNew('Новая заявка: ' + fmt.phone(ev.data && ev.data.phone) + ' (' + (SOURCES[ev.data && ev.data.source] || 'новая') + ')');
      }
      onDeal(ev);
    },
    'deal.assigned': (ev) => {
      state.freshDeals.add(ev.dealId);
      const phone = state.phoneOfDeal.get(ev.dealId);
      const known = phone || (state.contacts.get(ev.dealId) || {}).phone;
      alertNew(assignedText(ev.dealId, known));
      state.assignedWithoutPhone = known ? null : ev.dealId;
      onDeal(ev);
    },
    'deal.missed_again': (ev) => { alertNew('Клиент снова не дозвонился: ' + fmt.phone(ev.data && ev.data.phone)); onDeal(ev); },
    'attempt.due': (ev) => {
      state.freshDeals.add(ev.dealId);
      alertNew('Пора перезвонить: ' + fmt.phone(ev.data && ev.data.phone) + ' — ' + labels.why(ev.data && ev.data.why || ''));
      onDeal(ev);
    },
    'task.overdue': onDeal,
    'deal.lead': onDeal,
    'call.placed': (ev) => { if (concernsOpenDeal(ev)) { cardMessage('Звоним: сначала зазвонит ваш телефон, затем клиент.', 'notice'); } onDeal(ev); },
    'call.ended': onDeal,
    'call.failed': (ev) => {
      toast('Ваш телефон не ответил: звонок по сделке №' + ev.dealId + ' не состоялся.', 'error', 10000);
      onDeal(ev);
    },
    'call.ringing': (ev) => showPop(ev),
    'manager.phone': (ev) => {
      if (ev.data && ev.data.managerId === state.me.id) {
        showPhone(ev.data.phoneState);
      }
    },
  });
}

// ---------- queue ----------

function whenClass(task, now) {
  if (task.overdue || new Date(task.dueAt).getTime() < now) return 'overdue';
  const due = new Date(task.dueAt);
  const today = new Date(now);
  return due.toDateString() === today.toDateString() ? 'today' : 'later';
}

async function loadQueue() {
  let tasks;
  try {
    tasks = await api('GET', '/api/tasks');
  } catch (e) {
    toast('Очередь не загружена: ' + message(e), 'error');
    return;
  }
  tasks = Array.isArray(tasks) ? tasks : (tasks && (tasks.tasks || tasks.items)) || [];
  const selectedId = state.tasks[state.selected] && state.tasks[state.selected].id;
  state.tasks = tasks;
  state.selected = tasks.findIndex((t) => t.id === selectedId);
  renderQueue();
  // The tasks name their deal only: the caller's number and name come from the deal, fetched once per deal.
  const unknown = [...new Set(tasks.map((t) => t.dealId).filter((id) => id && !state.contacts.has(id)))].slice(0, 50);
  if (unknown.length) {
    await Promise.all(unknown.map((id) => api('GET', '/api/deals/' + id).then(
      (d) => {
        state.contacts.set(id, { phone: d.contact && d.contact.phone, name: d.contact && d.contact.name });
        completeAssignedAlert(id, d.contact && d.contact.phone);
      },
      () => state.contacts.set(id, {}))));
    renderQueue();
  }
}

function renderQueue() {
  const list = clear($('queue'));
  const now = Date.now();
  state.tasks.forEach((t, i) => {
    const cls = whenClass(t, now);
    const whenText = cls === 'overdue' ? 'просрочено · ' + fmt.dateTime(t.dueAt)
      : cls === 'today' ? 'сегодня в ' + fmt.time(t.dueAt) : fmt.dateTime(t.dueAt);
    const b = el('button', {
      type: 'button', class: 'task ' + cls + (i === state.selected ? ' selected' : '') + (state.freshDeals.has(t.dealId) ? ' fresh' : ''),
      dataset: { taskId: t.id, dealId: t.dealId || '' },
      'aria-current': i === state.selected ? 'true' : null,
      onclick: () => select(i),
    },
    el('span', { class: 'when' }, whenText), ' ',
    el('span', { class: 'title' }, t.title),
    el('span', { class: 'meta' }, (t.dealId ? 'Сделка №' + t.dealId : 'Без сделки') + contactText(t.dealId)
      + ' · ' + (SOURCES[t.source] || t.source || 'задача')),
    t.why ? el('span', { class: 'why' }, 'Почему: ' + labels.why(t.why)) : null);
    list.append(el('li', {}, b));
  });
  $('queue-empty').classList.toggle('hidden', state.tasks.length > 0);
  const overdue = state.tasks.filter((t) => whenClass(t, now) === 'overdue').length;
  $('queue-count').textContent = state.tasks.length + ' ' + fmt.plural(state.tasks.length, 'задача', 'задачи', 'задач')
    + (overdue ? ', просрочено ' + overdue : '');
}

function contactText(dealId) {
  const c = dealId && state.contacts.get(dealId);
  if (!c || !c.phone) return '';
  return ' · ' + (c.name ? c.name + ', ' : '') + fmt.phone(c.phone);
}

function select(i) {
  if (i < 0 || i >= state.tasks.length) return;
  state.selected = i;
  renderQueue();
  const button = $('queue').querySelectorAll('button.task')[i];
  if (button) {
    button.focus();
  }
  const t = state.tasks[i];
  if (t.dealId) {
    openDeal(t.dealId);
  }
}

// ---------- screen pop ----------

function showPop(ev) {
  const d = ev.data || {};
  state.pop = d;
  const body = clear($('pop-body'));
  body.append(
    el('div', { class: 'caller' }, fmt.phone(d.phone) || d.callerRaw),
    el('div', {}, d.newCustomer ? 'новый клиент' : 'Клиент: ' + (d.customer || 'без имени') + ' · сделка №' + d.dealId),
    d.lastNote ? el('div', {}, 'Последняя заметка: ' + d.lastNote) : null,
  );
  if (d.lastCalls && d.lastCalls.length) {
    body.append(el('div', { class: 'muted' }, 'Последние звонки:'), el('ul', {}, d.lastCalls.slice(0, 3).map((c) =>
      el('li', {}, fmt.dateTime(c.endedAt || c.startedAt || c.at) + ' — ' + callWord(c)))));
  }
  $('pop-open').classList.toggle('hidden', !d.dealId);
  $('pop').classList.remove('hidden');
  beep(660, 250);
  if (d.dealId) {
    openDeal(d.dealId);
  }
}

function hidePop() {
  $('pop').classList.add('hidden');
  state.pop = null;
}

function callWord(c) {
  const dir = c.direction === 'OUTBOUND' ? 'исходящий' : 'входящий';
  const what = c.missed ? 'пропущен' : (c.talkSeconds ? 'разговор ' + fmt.duration(c.talkSeconds) : labels.callOutcome[c.outcome] || 'без итога');
  return dir + ', ' + what;
}

// ---------- deal card ----------

let loadingDeal = 0;
/** The deal whose card is being opened (null when no load is under way): the latest opening wins. */
let openingId = null;
async function openDeal(id) {
  const mine = ++loadingDeal;
  openingId = id;
  let d;
  try {
    d = await api('GET', '/api/deals/' + id);
  } catch (e) {
    if (mine !== loadingDeal) return;
    openingId = null;
    showCardError(e.status === 403 ? 'Нет доступа: это не ваша сделка.' : e.status === 404 ? 'Сделка №' + id + ' не найдена.' : message(e));
    return;
  }
  if (mine !== loadingDeal) return;
  openingId = null;
  state.freshDeals.delete(id);
  const same = state.deal && state.deal.id === d.id;
  state.deal = d;
  if (!same) {
    $('card-message').classList.add('hidden');
  }
  history.replaceState(null, '', '#deal=' + id);
  renderDeal();
}

/**
 * Reloads the card shown, unless another deal is being opened: a live event about the deal just left (its call, its
 * attempt) must not take the card back from the one the operator went to.
 */
function reloadDeal() {
  if (state.deal && (openingId === null || openingId === state.deal.id)) {
    openDeal(state.deal.id);
  }
}

function showCardError(text) {
  state.deal = null;
  $('card-body').classList.add('hidden');
  const empty = $('card-empty');
  empty.textContent = text;
  empty.classList.remove('hidden');
  empty.className = 'error';
}

function closeCard() {
  state.deal = null;
  $('card-body').classList.add('hidden');
  const empty = $('card-empty');
  empty.className = 'muted';
  empty.textContent = 'Выберите задачу в очереди или дождитесь звонка: карточка сделки откроется здесь.';
  history.replaceState(null, '', location.pathname);
}

/** The funnel's name of a close reason code (any result), or the code. */
function reasonName(code) {
  const f = state.funnel || {};
  const r = [].concat(f.lossReasons || [], f.winReasons || [], f.invalidReasons || []).find((x) => x.code === code);
  return r ? r.name : code;
}

function stageName(code) {
  const s = state.funnel && state.funnel.stages.find((x) => x.code === code);
  return s ? s.name : code;
}

function renderDeal() {
  const d = state.deal;
  $('card-empty').classList.add('hidden');
  $('card-body').classList.remove('hidden');
  $('card-body').dataset.dealId = d.id;
  const name = d.contact && d.contact.name;
  $('card-title').textContent = 'Сделка №' + d.id + ': ' + (name ? name + ', ' : '') + fmt.phone(d.contact && d.contact.phone);
  const st = $('card-status');
  st.textContent = labels.dealStatus[d.status] || d.status;
  st.className = 'badge ' + (d.status === 'OPEN' ? 'ok' : d.status === 'WON' ? 'ok' : 'neutral');
  const facts = clear($('card-facts'));
  const fact = (k, v) => facts.append(el('dt', {}, k), el('dd', {}, v === null || v === undefined || v === '' ? '—' : v));
  fact('Этап', stageName(d.stage));
  fact('Источник', SOURCES[d.source] || d.source);
  fact('Поступила', fmt.dateTime(d.arrivedAt || d.createdAt));
  fact('Последний контакт', d.lastContactAt ? fmt.dateTime(d.lastContactAt) : 'не было');
  fact('Звонков', String(d.callCount ?? (d.calls || []).length));
  fact('Оценка', d.score === null || d.score === undefined ? 'нет' : d.score + (d.priority ? ' (' + d.priority.toLowerCase() + ')' : ''));
  if (d.contact && d.contact.email) fact('Почта', d.contact.email);
  if (d.lossReason || d.closeReason) fact('Причина закрытия', (d.closeReason || d.lossReason) + (d.closeComment ? ': ' + d.closeComment : ''));
  for (const [k, v] of Object.entries(d.fields || {})) {
    if (v !== null && v !== '' && !labels.hiddenFields.has(k)) fact(FIELD_NAMES[k] || k, labels.fieldValue(k, v));
  }
  const open = d.status === 'OPEN';
  for (const id of ['act-call', 'act-next', 'act-stage', 'act-close', 'act-score']) {
    $(id).disabled = !open;
  }
  $('act-reopen').classList.toggle('hidden', open);
  renderOutcomeButtons(open);
  renderTimeline(d);
}

function renderOutcomeButtons(open) {
  const box = clear($('outcome-buttons'));
  OUTCOMES.forEach((code, i) => box.append(el('button', {
    type: 'button', class: 'outcome', dataset: { outcome: code }, disabled: !open,
    'aria-keyshortcuts': String(i + 1), onclick: () => sendOutcome(code),
  }, labels.outcome[code] + ' ', el('kbd', {}, String(i + 1)))));
}

function cardMessage(text, kind = 'error') {
  const m = $('card-message');
  m.textContent = text;
  m.className = kind;
}

// ---------- timeline ----------

const ATTEMPT_STATES = {
  PENDING: 'ожидает', SCHEDULED: 'запланирована', FIRED: 'пора звонить', PLACED: 'звоним', DONE: 'выполнена',
  CANCELLED: 'отменена', EXPIRED: 'просрочена', SKIPPED: 'пропущена',
};


const HISTORY = labels.history;

/** One readable line of a history row's details (the interesting keys first; the rest as «ключ: значение»). */
function historyDetail(h) {
  const x = h.details || {};
  switch (h.kind) {
    case 'stage': return (x.from ? stageName(x.from) + ' → ' : '') + stageName(x.to || x.stage) + (x.reason ? ' (' + x.reason + ')' : '');
    case 'note': return x.text;
    case 'closed': return (labels.dealStatus[x.status] || x.status) + ': ' + (x.reasonName || reasonName(x.reason) || '') + (x.comment ? ' — ' + x.comment : '');
    case 'task': return (x.title || '') + (x.dueAt ? ', срок ' + fmt.dateTime(x.dueAt) : '') + (x.why ? ' · ' + labels.why(x.why) : '');
    case 'owner': return labels.why(x.reason || '') + (x.to ? ' → менеджер ' + x.to : x.managerId ? ' → менеджер ' + x.managerId : '');
    default: return detailText(x, { reason: reasonName, stage: stageName });
  }
}

function renderTimeline(d) {
  const items = [];
  for (const c of d.calls || []) {
    const dir = c.direction === 'OUTBOUND' ? 'Исходящий звонок' : 'Входящий звонок';
    const result = c.missed ? 'пропущен' + (labels.callOutcome[c.outcome] ? ' (' + labels.callOutcome[c.outcome] + ')' : '')
      : labels.callOutcome[c.outcome] || labels.outcome[c.outcome] || 'без итога';
    const len = c.talkSeconds ? 'разговор ' + fmt.duration(c.talkSeconds) : c.ringSeconds ? 'гудки ' + fmt.duration(c.ringSeconds) : '';
    items.push({
      at: c.endedAt || c.startedAt, cls: 'call', what: dir,
      detail: [result, len, c.operatorExtension ? 'доб. ' + c.operatorExtension : ''].filter(Boolean).join(', '),
      extra: c.recordingUrl ? el('audio', { controls: true, preload: 'none', src: c.recordingUrl, 'aria-label': 'Запись звонка от ' + fmt.dateTime(c.startedAt) }) : null,
      data: { callId: c.id, outcome: c.outcome || '' },
    });
  }
  for (const a of d.attempts || []) {
    const st = ATTEMPT_STATES[a.state] || (a.state || '').toLowerCase();
    items.push({
      at: a.outcomeAt || a.placedAt || a.firedAt || a.dueAt, cls: 'attempt',
      what: 'Попытка ' + a.no + (a.of ? ' из ' + a.of : '') + ': ' + st,
      detail: [a.why ? 'почему: ' + labels.why(a.why) : '', 'срок ' + fmt.dateTime(a.dueAt), a.outcome ? 'итог: ' + (labels.outcome[a.outcome] || a.outcome) : ''].filter(Boolean).join(' · '),
      data: { attempt: a.no },
    });
  }
  for (const h of d.history || []) {
    if (h.kind === 'call') continue; // the call itself is listed from calls, with its recording
    items.push({ at: h.at, cls: h.kind, what: HISTORY[h.kind] || h.kind, detail: historyDetail(h), data: { kind: h.kind } });
  }
  if (d.assignment) {
    const dec = d.assignment.decision || {};
    const why = labels.why(dec.reason || dec.why || dec.summary || '') || detailText(dec, { reason: reasonName, stage: stageName });
    const strategy = d.assignment.strategy ? labels.strategy[d.assignment.strategy] || d.assignment.strategy : '—';
    items.push({
      at: d.assignment.at, cls: 'routing', what: 'Решение маршрутизации' + (d.assignment.byHand ? ' (вручную)' : ''),
      detail: 'менеджер ' + d.assignment.managerId + ' · стратегия: ' + strategy + (why ? ' · ' + why : ''),
      data: { kind: 'routing' },
    });
  }
  items.sort((a, b) => new Date(b.at || 0) - new Date(a.at || 0));
  const list = clear($('timeline'));
  for (const it of items) {
    list.append(el('li', { class: it.cls, dataset: it.data },
      el('span', { class: 'at' }, fmt.dateTime(it.at)), el('span', { class: 'what' }, it.what),
      it.detail ? el('span', { class: 'detail' }, it.detail) : null, it.extra));
  }
}

// ---------- actions ----------

function message(e) {
  if (e instanceof ApiError) {
    return e.detail || e.error || 'ошибка ' + e.status;
  }
  return e && e.message ? e.message : String(e);
}

async function call(override = false) {
  const d = state.deal;
  if (!d || d.status !== 'OPEN') return;
  $('act-call').disabled = true;
  try {
    const r = await api('POST', '/api/deals/' + d.id + '/call', override ? { override: true } : null);
    cardMessage(r.duplicate ? 'Звонок уже идёт.' : 'Звоним: сначала зазвонит ваш телефон (доб. ' + r.extension + '), затем клиент.', 'success');
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && e.rule === 'outside_calling_window' && !override) {
      const ok = await confirmDialog(CALL_RULES.outside_calling_window + ' Позвонить всё равно? Это будет записано в историю.');
      if (ok) {
        return call(true);
      }
      cardMessage(CALL_RULES.outside_calling_window, 'notice');
    } else if (e instanceof ApiError && e.status === 409) {
      cardMessage(CALL_RULES[e.rule] || 'Звонок невозможен: ' + message(e));
    } else {
      cardMessage('Звонок не начат: ' + message(e));
    }
  } finally {
    $('act-call').disabled = !(state.deal && state.deal.status === 'OPEN');
  }
}

async function sendOutcome(code) {
  const d = state.deal;
  if (!d || d.status !== 'OPEN') return;
  const note = $('outcome-note').value.trim();
  try {
    await api('POST', '/api/deals/' + d.id + '/outcome', note ? { result: code, note } : { result: code });
    $('outcome-note').value = '';
    toast('Итог записан: ' + labels.outcome[code], 'ok', 3000);
    reloadDeal();
    refreshQueueSoon();
  } catch (e) {
    cardMessage('Итог не записан: ' + message(e));
  }
}

function confirmDialog(text) {
  return new Promise((resolve) => {
    const dlg = $('dlg-confirm');
    $('confirm-text').textContent = text;
    const form = $('form-confirm');
    const done = (v) => { form.onsubmit = null; dlg.onclose = null; dlg.close(); resolve(v); };
    form.onsubmit = (e) => { e.preventDefault(); done(true); };
    dlg.onclose = () => resolve(false);
    dlg.showModal();
  });
}

/** A dialog whose form posts through {@code submit}; an ApiError shown inside it, the dialog kept open. */
function dialogForm(dialogId, formId, submit) {
  const dlg = $(dialogId);
  const form = $(formId);
  const err = form.querySelector('.error');
  form.querySelectorAll('[data-cancel]').forEach((b) => b.addEventListener('click', () => dlg.close()));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.classList.add('hidden');
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await submit(form);
      dlg.close();
      reloadDeal();
      refreshQueueSoon();
    } catch (x) {
      err.textContent = x instanceof ApiError ? explain(x) : message(x);
      err.classList.remove('hidden');
    } finally {
      button.disabled = false;
    }
  });
  return () => {
    err.classList.add('hidden');
    dlg.showModal();
  };
}

function explain(e) {
  if (e.status === 409 && e.body && Array.isArray(e.body.missing) && e.body.missing.length) {
    const names = e.body.missing.map((f) => FIELD_NAMES[f] || f);
    for (const f of e.body.missing) {
      const input = document.getElementById('field-' + f);
      if (input) input.classList.add('field-missing');
    }
    return (STAGE_RULES[e.rule] || 'Нельзя') + ': ' + names.join(', ') + '.';
  }
  if (e.status === 400 && e.field) {
    return 'Проверьте поле «' + (FIELD_NAMES[e.field] || e.field) + '»: ' + (e.detail || '');
  }
  return message(e);
}

let openNote, openNext, openStage, openClose, openScore;

function wireCard() {
  $('card-close').addEventListener('click', closeCard);
  $('pop-close').addEventListener('click', hidePop);
  $('pop-open').addEventListener('click', () => { if (state.pop && state.pop.dealId) openDeal(state.pop.dealId); hidePop(); });
  $('act-call').addEventListener('click', () => call(false));

  openNote = dialogForm('dlg-note', 'form-note', async (f) => {
    const text = $('note-text').value.trim();
    if (!text) throw new Error('Напишите текст заметки.');
    await api('POST', '/api/deals/' + state.deal.id + '/notes', { text });
    $('note-text').value = '';
    toast('Заметка добавлена', 'ok', 3000);
  });
  $('act-note').addEventListener('click', () => state.deal && openNote());

  openNext = dialogForm('dlg-next', 'form-next', async () => {
    const due = $('next-due').value;
    if (!due) throw new Error('Укажите дату и время.');
    await api('POST', '/api/deals/' + state.deal.id + '/tasks', {
      title: $('next-title').value.trim(), kind: $('next-kind').value, dueAt: new Date(due).toISOString(),
    });
    toast('Следующий шаг добавлен', 'ok', 3000);
  });
  $('act-next').addEventListener('click', () => {
    if (!state.deal || state.deal.status !== 'OPEN') return;
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    tomorrow.setHours(11, 0, 0, 0);
    const pad = (x) => String(x).padStart(2, '0');
    $('next-due').value = tomorrow.getFullYear() + '-' + pad(tomorrow.getMonth() + 1) + '-' + pad(tomorrow.getDate()) + 'T11:00';
    openNext();
  });

  openStage = dialogForm('dlg-stage', 'form-stage', async () => {
    const fields = {};
    document.querySelectorAll('#stage-fields input').forEach((i) => {
      i.classList.remove('field-missing');
      if (i.value.trim()) fields[i.dataset.field] = i.value.trim();
    });
    const reason = $('stage-reason').value.trim();
    const body = { stage: $('stage-select').value, fields };
    if (reason) body.reason = reason;
    await api('POST', '/api/deals/' + state.deal.id + '/stage', body);
    toast('Этап изменён: ' + stageName(body.stage), 'ok', 3000);
  });
  $('stage-select').addEventListener('change', renderStageFields);
  $('act-stage').addEventListener('click', () => {
    if (!state.deal || state.deal.status !== 'OPEN' || !state.funnel) return;
    const sel = clear($('stage-select'));
    const stages = state.funnel.stages.filter((s) => !s.closing && s.code !== state.deal.stage);
    const here = state.funnel.stages.findIndex((s) => s.code === state.deal.stage);
    for (const s of stages) sel.append(el('option', { value: s.code }, s.name));
    const next = state.funnel.stages[here + 1];
    if (next && !next.closing) sel.value = next.code;
    $('stage-reason').value = '';
    renderStageFields();
    openStage();
  });

  openClose = dialogForm('dlg-close', 'form-close', async () => {
    await api('POST', '/api/deals/' + state.deal.id + '/close', {
      status: $('close-status').value, reason: $('close-reason').value, comment: $('close-comment').value.trim(),
    });
    toast('Сделка закрыта', 'ok', 3000);
  });
  $('close-status').addEventListener('change', renderCloseReasons);
  $('act-close').addEventListener('click', () => {
    if (!state.deal || state.deal.status !== 'OPEN' || !state.funnel) return;
    $('close-comment').value = '';
    renderCloseReasons();
    openClose();
  });

  $('act-reopen').addEventListener('click', async () => {
    try {
      const d = await api('POST', '/api/deals/' + state.deal.id + '/reopen');
      toast(d.id === state.deal.id ? 'Сделка снова в работе' : 'Создана новая сделка №' + d.id, 'ok');
      openDeal(d.id);
      refreshQueueSoon();
    } catch (e) {
      cardMessage('Не удалось вернуть в работу: ' + message(e));
    }
  });

  openScore = dialogForm('dlg-score', 'form-score', async () => {
    const points = {};
    document.querySelectorAll('#score-criteria select').forEach((s) => { if (s.value) points[s.dataset.criterion] = Number(s.value); });
    const body = { points };
    if ($('score-priority').value) body.priority = $('score-priority').value;
    await api('POST', '/api/deals/' + state.deal.id + '/score', body);
    toast('Оценка сохранена', 'ok', 3000);
  });
  $('act-score').addEventListener('click', () => {
    if (!state.deal || !state.funnel) return;
    const box = clear($('score-criteria'));
    for (const c of state.funnel.qualification.criteria) {
      const id = 'crit-' + c.code;
      const sel = el('select', { id, dataset: { criterion: c.code } }, el('option', { value: '' }, '—'));
      for (let p = c.minPoints; p <= c.maxPoints; p++) sel.append(el('option', { value: p }, String(p)));
      box.append(el('label', { for: id }, c.name + ' (' + c.minPoints + '–' + c.maxPoints + ')'), sel);
    }
    openScore();
  });
}

function renderStageFields() {
  const box = clear($('stage-fields'));
  const stage = state.funnel.stages.find((s) => s.code === $('stage-select').value);
  const fields = (stage && (stage.requiredFieldsTotal || stage.requiredFields)) || [];
  if (fields.length) {
    box.append(el('p', { class: 'muted' }, 'Для этого этапа нужны поля:'));
  }
  for (const f of fields) {
    const id = 'field-' + f;
    const have = state.deal.fields && state.deal.fields[f];
    box.append(el('label', { for: id }, FIELD_NAMES[f] || f),
      el('input', { id, type: 'text', dataset: { field: f }, value: have ? String(have) : '', maxlength: 500 }));
  }
}

function renderCloseReasons() {
  const status = $('close-status').value;
  const list = status === 'WON' ? state.funnel.winReasons : status === 'INVALID' ? state.funnel.invalidReasons : state.funnel.lossReasons;
  const sel = clear($('close-reason'));
  for (const r of list || []) sel.append(el('option', { value: r.code }, r.name));
}

// ---------- keyboard ----------

function typing(target) {
  return target && (target.closest('input, textarea, select, [contenteditable]') !== null);
}

function wireKeys() {
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      if (document.querySelector('dialog[open]')) return; // the dialog closes itself
      if (!$('pop').classList.contains('hidden')) { hidePop(); e.preventDefault(); return; }
      if (state.deal) { closeCard(); e.preventDefault(); }
      return;
    }
    if (typing(e.target) || document.querySelector('dialog[open]')) return;
    const k = e.key.toLowerCase();
    if (k === 'j' || k === 'о') { select(Math.min(state.tasks.length - 1, state.selected + 1)); e.preventDefault(); }
    else if (k === 'k' || k === 'л') { select(Math.max(0, state.selected - 1)); e.preventDefault(); }
    else if (!state.deal) return;
    else if (k === 'c' || k === 'с') { call(false); e.preventDefault(); }
    else if (k === 'n' || k === 'т') { $('act-note').click(); e.preventDefault(); }
    else if (k === 't' || k === 'е') { $('act-next').click(); e.preventDefault(); }
    else if (/^[1-6]$/.test(e.key)) { sendOutcome(OUTCOMES[Number(e.key) - 1]); e.preventDefault(); }
  });
}

start();
