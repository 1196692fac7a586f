// Shared front end of Dozvon's pages (plain ES module, no build step). Imported by every page:
//   import { api, me, stream, fmt, el, toast } from '/static/app.js';
//
// api(method, path, body?)  fetch with the session cookie and, on POST/PUT/PATCH/DELETE, the X-CSRF-Token header;
//                           resolves to the parsed JSON (null for 204); rejects with ApiError {status, error, detail,
//                           rule, field, body}; a 401 sends the browser to /login (unless {noRedirect: true}).
// me()                      the signed-in person {id, name, role, login, extension, csrfToken} (cached).
// stream(handlers)          EventSource on /api/live/stream; handlers: {'deal.created': (event) => ..., onOpen, onError,
//                           onReset}; each event handler gets the parsed JSON and the MessageEvent. The browser
//                           reconnects by itself and sends Last-Event-ID, so the server replays what was missed; an
//                           ended session (event: session.ended, or a 401 on reconnecting) goes to /login?next=.
// fmt.*                     Russian formatting: dateTime, time, date, relative, duration, phone, plural.
// el(tag, attrs, ...kids)   builds DOM without innerHTML (text is always text).

let csrfToken = null;
let meCache = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.error)) || ('HTTP ' + status));
    this.status = status;
    this.body = body || {};
    this.error = this.body.error;
    this.detail = this.body.detail;
    this.rule = this.body.rule;
    this.field = this.body.field;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function api(method, path, body, options = {}) {
  method = method.toUpperCase();
  const headers = { 'Accept': 'application/json' };
  if (UNSAFE.has(method)) {
    if (!csrfToken && !options.noCsrf) {
      await me().catch(() => null);
    }
    if (csrfToken && !options.noCsrf) {
      headers['X-CSRF-Token'] = csrfToken;
    }
  }
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined && body !== null) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = { error: 'bad_response', detail: text.slice(0, 200) }; }
  }
  if (res.status === 401 && !options.noRedirect) {
    goToLogin();
  }
  if (!res.ok) {
    throw new ApiError(res.status, data);
  }
  return data;
}

export function goToLogin() {
  const here = location.pathname + location.search;
  if (location.pathname !== '/login') {
    location.assign('/login?next=' + encodeURIComponent(here));
  }
}

export async function me(refresh = false) {
  if (meCache && !refresh) {
    return meCache;
  }
  meCache = await api('GET', '/api/me');
  csrfToken = meCache.csrfToken || csrfToken;
  return meCache;
}

/** Remembers the CSRF token given by POST /login (the login page calls it before leaving). */
export function setCsrfToken(token) {
  csrfToken = token;
}

export async function logout() {
  try { await api('POST', '/logout', null, { noRedirect: true }); } catch (e) { /* gone anyway */ }
  meCache = null;
  csrfToken = null;
  location.assign('/login');
}

/**
 * The live feed: an EventSource on /api/live/stream with `handlers` ({'deal.created': fn(event, msg), onOpen, onError,
 * onReset}). The browser reconnects by itself and sends Last-Event-ID. When it gives up (the server answered an
 * error, e.g. during a restart), the stream checks the session: signed out, the browser goes to /login; signed in,
 * a new EventSource is opened after a back-off, from the last event id seen (`?lastEventId=`), so nothing is lost.
 * `event: session.ended` (a logout elsewhere, a password change, a deactivation, expiry) closes the stream and sends
 * the browser to /login?next=<this page>. `event: reset` (the server no longer knows the events missed) calls
 * handlers.onReset: the page reloads its data. Returns {close()}.
 */
export function stream(handlers) {
  const CONTROL = new Set(['onOpen', 'onError', 'onReset']);
  let source = null;
  let closed = false;
  let lastEventId = null;
  let retryMs = 1000;
  const seen = (msg) => { if (msg && msg.lastEventId) { lastEventId = msg.lastEventId; } };
  const handle = {
    close() { closed = true; if (source) { source.close(); } },
    get source() { return source; },
  };

  function open() {
    if (closed) {
      return;
    }
    const url = '/api/live/stream' + (lastEventId ? '?lastEventId=' + encodeURIComponent(lastEventId) : '');
    const es = new EventSource(url);
    source = es;
    for (const [type, fn] of Object.entries(handlers)) {
      if (CONTROL.has(type)) {
        continue;
      }
      es.addEventListener(type, (msg) => {
        seen(msg);
        let data = null;
        try { data = JSON.parse(msg.data); } catch (e) { return; }
        try { fn(data, msg); } catch (e) { console.error('handler of ' + type + ' failed', e); }
      });
    }
    es.addEventListener('ready', seen);
    es.addEventListener('reset', (msg) => {
      seen(msg);
      if (handlers.onReset) { handlers.onReset(msg); }
    });
    es.addEventListener('session.ended', () => {
      handle.close();
      goToLogin();
    });
    es.addEventListener('open', (e) => {
      retryMs = 1000;
      if (handlers.onOpen) { handlers.onOpen(e); }
    });
    es.addEventListener('error', (e) => {
      if (closed) {
        return;
      }
      if (handlers.onError) { handlers.onError(e); }
      if (es.readyState === EventSource.CLOSED && source === es) {
        source = null;
        gaveUp();
      }
    });
  }

  // The browser does not reconnect after an error answer (a 401 of an ended session, a 503 during a restart).
  function gaveUp() {
    api('GET', '/api/me', null, { noRedirect: true }).then(() => later(), (e) => {
      if (e.status === 401) {
        handle.close();
        goToLogin();
      } else {
        later();
      }
    });
  }

  function later() {
    setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  open();
  return handle;
}

// ---- DOM ----

export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'class') {
      e.className = v;
    } else if (k === 'dataset') {
      Object.assign(e.dataset, v);
    } else if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else if (v === true) {
      e.setAttribute(k, '');
    } else {
      e.setAttribute(k, String(v));
    }
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) {
      continue;
    }
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function clear(node) {
  while (node.firstChild) {
    node.removeChild(node.firstChild);
  }
  return node;
}

/** A short message at the bottom of the screen (role=status, read by screen readers). kind: info | ok | error. */
export function toast(text, kind = 'info', ms = 6000) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = el('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const t = el('div', { class: 'toast toast-' + kind }, text);
  box.append(t);
  setTimeout(() => t.remove(), ms);
  return t;
}

/** A short beep through WebAudio (no file to load); silent if the browser refuses audio. */
let audioCtx = null;
export function beep(freq = 880, ms = 180) {
  try {
    audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
    const osc = audioCtx.createOscillator();
    const gain = audioCtx.createGain();
    osc.frequency.value = freq;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audioCtx.destination);
    osc.start();
    osc.stop(audioCtx.currentTime + ms / 1000);
    return true;
  } catch (e) {
    return false;
  }
}

// ---- Russian formatting ----

const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone;
const dtf = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: TZ });
const tf = new Intl.DateTimeFormat('ru-RU', { hour: '2-digit', minute: '2-digit', timeZone: TZ });
const df = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });

function plural(n, one, few, many) {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return many;
  if (b > 1 && b < 5) return few;
  if (b === 1) return one;
  return many;
}

export const fmt = {
  plural,
  dateTime(iso) { return iso ? dtf.format(new Date(iso)) : '—'; },
  time(iso) { return iso ? tf.format(new Date(iso)) : '—'; },
  date(iso) { return iso ? df.format(new Date(iso)) : '—'; },
  /** «через 5 мин», «2 ч назад», «сейчас» */
  relative(iso, now = Date.now()) {
    if (!iso) return '—';
    const s = Math.round((new Date(iso).getTime() - now) / 1000);
    const a = Math.abs(s);
    let text;
    if (a < 45) return 'сейчас';
    if (a < 3600) { const m = Math.round(a / 60); text = m + ' мин'; }
    else if (a < 86400) { const h = Math.round(a / 3600); text = h + ' ч'; }
    else { const d = Math.round(a / 86400); text = d + ' ' + plural(d, 'день', 'дня', 'дней'); }
    return s > 0 ? 'через ' + text : text + ' назад';
  },
  /** 75 -> «1:15», 3725 -> «1:02:05» */
  duration(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (x) => String(x).padStart(2, '0');
    return h > 0 ? h + ':' + two(m) + ':' + two(r) : m + ':' + two(r);
  },
  /** +79161234567 -> «+7 916 123-45-67» */
  phone(p) {
    if (!p) return 'номер скрыт';
    const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(p);
    return m ? '+7 ' + m[1] + ' ' + m[2] + '-' + m[3] + '-' + m[4] : p;
  },
  number(n) { return n === null || n === undefined ? '—' : new Intl.NumberFormat('ru-RU').format(n); },
  percent(x) { return x === null || x === undefined ? '—' : new Intl.NumberFormat('ru-RU', { style: 'percent', maximumFractionDigits: 1 }).format(x); },
};

/** What a locked sign-in (429 account_locked, retryAfterSeconds) says: «… Попробуйте снова через 2 минуты.» */
export function lockedText(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  const wait = s >= 60
    ? Math.ceil(s / 60) + ' ' + plural(Math.ceil(s / 60), 'минуту', 'минуты', 'минут')
    : s + ' ' + plural(s, 'секунду', 'секунды', 'секунд');
  return 'Слишком много неудачных попыток: вход заблокирован. Попробуйте снова через ' + wait + '.';
}

/** Russian names of the API's codes shared by pages. */
export const labels = {
  managerState: { ON_SHIFT: 'на линии', PAUSED: 'пауза', OFF: 'не на смене' },
  phoneState: {
    AVAILABLE: 'свободен', RINGING: 'звонит', IN_USE: 'разговор', UNAVAILABLE: 'недоступен',
    UNREGISTERED: 'не подключён', UNKNOWN: 'неизвестно',
  },
  dealStatus: { OPEN: 'в работе', WON: 'успешно', LOST: 'проиграна', INVALID: 'некорректная' },
  outcome: {
    REACHED: 'дозвонились', REACHED_CALL_LATER: 'перезвонить позже', NO_ANSWER: 'не ответил',
    BUSY: 'занято', UNAVAILABLE: 'недоступен', FAILED: 'ошибка связи',
  },
  /** How a call ended, as the PBX told it (telephony's CallOutcome; the attempt outcomes are `outcome`). */
  callOutcome: {
    ANSWERED: 'состоялся', NO_ANSWER: 'без ответа', BUSY: 'занято', UNAVAILABLE: 'недоступен',
    CALLER_ABANDONED: 'клиент положил трубку', QUEUE_ABANDONED: 'клиент не дождался в очереди',
    AFTER_HOURS: 'в нерабочее время', VOICEMAIL: 'голосовая почта', NOT_CONNECTED: 'оператор не взял трубку',
  },
  role: { admin: 'администратор', supervisor: 'руководитель', operator: 'оператор' },
  /** Russian names of the deal fields: the funnel's (its required fields) and the ones the PBX's first call sets. */
  field: {
    platform: 'Платформа', niche: 'Ниша', source: 'Источник клиента', budget: 'Бюджет', contract: 'Договор',
    presentation_date: 'Дата презентации', client_deadline: 'Срок клиента',
    companyNumber: 'Номер компании', queue: 'Очередь', outcome: 'Первый звонок',
  },
  /** Kinds of history rows (the deal's card on the operator's page, the deal dialog on the supervisor's). */
  history: {
    created: 'Сделка создана', stage: 'Смена этапа', note: 'Заметка', closed: 'Сделка закрыта',
    reopened: 'Возвращена в работу', owner: 'Смена ответственного', score: 'Оценка', task: 'Задача',
    task_done: 'Задача выполнена', contact_status: 'Статус общения', call_placed: 'Звонок начат',
    call_failed: 'Звонок не состоялся', attempt_outcome: 'Итог попытки', attempt_scheduled: 'Запланирован перезвон',
    attempt_rescheduled: 'Перезвон перенесён', ladder_ended: 'График перезвона пройден',
    chain_stopped: 'График перезвона остановлен', email_requests_stopped: 'Письма остановлены', lead: 'Заявка',
    message: 'Сообщение клиента', call: 'Звонок', missed_call: 'Пропущенный звонок', assigned: 'Назначена',
    routed: 'Назначена',
  },
};

/** A deal field's value for people: call outcomes and numbers named, the rest as text. */
labels.fieldValue = (k, v) => {
  if (k === 'outcome') return labels.callOutcome[v] || String(v);
  if (k === 'companyNumber') return fmt.phone(/^\d{11}$/.test(String(v)) ? '+' + v : String(v));
  return String(v);
};

/** Fields only machines read (the PBX's call id): never on a page. */
labels.hiddenFields = new Set(['pbxCallId']);

// ---- the "why" texts the service writes in English (the callback ladder's, routing's): Russian on the page ----
// The API keeps them as written (logs, other clients); the pages read them through labels.why(text). A text that is
// Russian already, or a phrase not known here, passes unchanged.

const WEEKDAYS = { Mon: 'пн', Tue: 'вт', Wed: 'ср', Thu: 'чт', Fri: 'пт', Sat: 'сб', Sun: 'вс' };
const MONTHS = {
  Jan: 'янв', Feb: 'фев', Mar: 'мар', Apr: 'апр', May: 'мая', Jun: 'июн', Jul: 'июл', Aug: 'авг', Sep: 'сен',
  Oct: 'окт', Nov: 'ноя', Dec: 'дек',
};
const ZONES = {
  'Europe/Kaliningrad': 'Калининград', 'Europe/Moscow': 'Москва', 'Europe/Minsk': 'Минск', 'Europe/Samara': 'Самара',
  'Asia/Yekaterinburg': 'Екатеринбург', 'Asia/Omsk': 'Омск', 'Asia/Novosibirsk': 'Новосибирск',
  'Asia/Krasnoyarsk': 'Красноярск', 'Asia/Irkutsk': 'Иркутск', 'Asia/Yakutsk': 'Якутск',
  'Asia/Vladivostok': 'Владивосток', 'Asia/Magadan': 'Магадан', 'Asia/Kamchatka': 'Камчатка',
};
const STRATEGIES = {
  least_loaded: 'по нагрузке', conversion: 'по конверсии', round_robin: 'по очереди',
  min_conversion: 'по минимальной конверсии', best_to_best: 'лучшим — лучших', manual: 'вручную',
};
const CHANNELS = {
  'called back, answered': 'перезвонил, разговор состоялся', 'answered our call': 'ответил на наш звонок',
  'sent a form': 'отправил форму', 'replied by email': 'ответил письмом', 'replied in chat': 'ответил в чате',
  'replied in a messenger': 'ответил в мессенджере', 'replied by SMS': 'ответил по SMS', replied: 'ответил',
};
const NOT_ELIGIBLE = {
  'off shift': 'не на смене', 'paused on PBX': 'на паузе на АТС', paused: 'на паузе', 'at load cap': 'с полной нагрузкой',
};
const UNIT = /(\d+) (days?|hours?|minutes?|seconds?)/g;
const DURATION = '((?:\\d+ (?:days?|hours?|minutes?|seconds?) ?)+)';
const WHEN = /\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?: (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))? (\d{1,2}:\d{2})\b/g;

function durationRu(text) {
  return text.trim().replace(UNIT, (m, n, unit) => {
    const k = Number(n);
    if (unit.startsWith('day')) return k + ' ' + plural(k, 'день', 'дня', 'дней');
    if (unit.startsWith('hour')) return k + ' ' + plural(k, 'час', 'часа', 'часов');
    return k + (unit.startsWith('minute') ? ' мин' : ' с');
  });
}

function afterWhat(what) {
  if (what === 'the lead arrived') return 'заявки';
  if (what === 'opening') return 'открытия';
  if (what === 'the lead asked to be called later') return 'просьбы перезвонить позже';
  return what.replace(/^attempt (\d+)$/, 'попытки $1').replace(/^request (\d+)$/, 'запроса $1');
}

const WHY_RULES = [
  // the callback ladder (dialing)
  [/\battempt (\d+) of (\d+): /g, 'попытка $1 из $2: '],
  [new RegExp(DURATION + ' after (the lead arrived|attempt \\d+|request \\d+|opening|the lead asked to be called later)', 'g'),
    (m, d, what) => 'через ' + durationRu(d) + ' после ' + afterWhat(what)],
  [/\bnext calling day after (the lead arrived|attempt \d+|request \d+)/g, (m, what) => 'в следующий день обзвона после ' + afterWhat(what)],
  [/, at opening\b/g, ', к открытию'],
  [/\bright away\b/g, 'сразу'],
  [/\bthe lead asked to be called back at /g, 'клиент попросил перезвонить в '],
  [/\bthe lead called again at /g, 'клиент позвонил снова в '],
  [/\bthe lead wrote at /g, 'клиент написал в '],
  [/ after the chain had stopped\b/g, ' после остановки графика перезвона'],
  [/ and was missed\b/g, ' и не получил ответа'],
  [/, overdue since /g, ', просрочено с '],
  [/, moved to /g, ', перенесено на '],
  [/ by calling hours\b/g, ': часы обзвона'],
  [/ by the (mobile|landline|per-number) limit\b/g, (m, k) => ': ограничение ' + ({ mobile: 'для мобильного', landline: 'для городского', 'per-number': 'для номера' })[k]],
  [/ and the (mobile|landline|per-number) limit\b/g, (m, k) => ' и ограничение ' + ({ mobile: 'для мобильного', landline: 'для городского', 'per-number': 'для номера' })[k]],
  [/\bat most (\d+) calls? a day\b/g, (m, n) => 'не больше ' + n + ' ' + plural(Number(n), 'звонка', 'звонков', 'звонков') + ' в день'],
  [new RegExp('\\bat least ' + DURATION + ' between calls', 'g'), (m, d) => 'не меньше ' + durationRu(d) + ' между звонками'],
  [/\battempt (\d+) reached the lead at /g, 'попытка $1: дозвонились в '],
  [/\bthe lead was reached at /g, 'до клиента дозвонились в '],
  [/\bthe lead made contact \((.+?)\) at /g, (m, c) => 'клиент вышел на связь (' + (CHANNELS[c] || c) + ') в '],
  [/\bthe attempt was cancelled at /g, 'попытка отменена в '],
  [/\bevery step was tried; the ladder ended at /g, 'все шаги пройдены, график перезвона закончен в '],
  [/по времени клиента, ([A-Za-z_]+\/[A-Za-z_]+)/g, (m, z) => 'по времени клиента (' + (ZONES[z] || z) + ')'],
  // routing
  [/^(least_loaded|conversion|round_robin|min_conversion|best_to_best|manual): /, (m, s) => STRATEGIES[s] + ': '],
  [/\bnobody eligible among (\d+) managers: /g, (m, n) => 'никто не может взять заявку: из ' + n + ' '
    + plural(Number(n), 'менеджера', 'менеджеров', 'менеджеров') + ' '],
  [/\b(\d+) off shift\b/g, '$1 не на смене'],
  [/\b(\d+) paused on PBX\b/g, '$1 на паузе на АТС'],
  [/\b(\d+) paused\b/g, '$1 на паузе'],
  [/\b(\d+) at load cap\b/g, '$1 с полной нагрузкой'],
  [/\b(\d+) phone unusable \((.+?) or (.+?)\)/g, '$1 с неработающим телефоном ($2 или $3)'],
  [/\bno eligible manager has a closed deal in the rating window \(every rating is only the prior\), so by load instead/g,
    'ни у кого из доступных нет закрытых сделок за период рейтинга, поэтому по нагрузке'],
  [/\bevery eligible manager's rating is 0 \(no deal won in the rating window\), so by load instead/g,
    'у всех доступных рейтинг 0 (нет выигранных сделок за период рейтинга), поэтому по нагрузке'],
  [/\bchose (.+?) with the fewest deals in work among (\d+) eligible/g, 'выбран менеджер $1: меньше всех сделок в работе среди $2 доступных'],
  [/ \(tie of (\d+) broken by free capacity, rating, id\)/g, ' (поровну у $1, решили свободные места, рейтинг, номер)'],
  [/\bchose (.+?) with weight ([\d.]+) \(share (\d+)%\) among (\d+) eligible/g, 'выбран менеджер $1 с весом $2 (доля $3 %) среди $4 доступных'],
  [/\blead score (\d+) is at percentile (\d+)-(\d+) of the last (\d+) leads; chose (.+?), rated (\d+) of (\d+) eligible/g,
    'оценка заявки $1 — перцентиль $2–$3 среди последних $4 заявок; выбран менеджер $5, место $6 из $7 доступных по рейтингу'],
  [/\bchose (.+?) in turn among (\d+) of (\d+) eligible/g, 'выбран по очереди менеджер $1 среди $2 из $3 доступных'],
  [/\bchose (.+?), next in turn by id among (\d+) eligible/g, 'выбран менеджер $1, следующий по очереди среди $2 доступных'],
  [/\ball (\d+) eligible are below /g, 'все $1 доступных ниже порога: '],
  [/; fell back to the highest-rated: /g, '; выбран лучший по рейтингу: '],
  [/\bnone excluded\b/g, 'никто не исключён'],
  [/\b(\d+) excluded as /g, 'исключено $1: '],
  [/\bbelow ([\d.]+) with >= (\d+) decided deals/g, 'конверсия ниже $1 при $2 и более завершённых сделках'],
  [/\b([\d.]+) over (\d+) deals\b/g, '$1 по $2 сделкам'],
  [/\breturning customer: back to previous manager /g, 'повторный клиент: к прежнему менеджеру '],
  [/; returning customer, but previous manager (.+?) is (off shift|paused on PBX|paused|at load cap|телефон не зарегистрирован|телефон занят)/g,
    (m, name, why) => '; повторный клиент, но прежний менеджер ' + name + ' ' + (NOT_ELIGIBLE[why] || why)],
  [/; returning customer, but previous manager manager #(\d+) is not in the list/g, '; повторный клиент, но прежнего менеджера №$1 нет в списке'],
  [/\(rating ([\d.]+), (\d+)\/(\d+) deals\)/g, '(рейтинг $1, сделок $2/$3)'],
  [/ \(forced above the load cap: (\d+)\/(\d+) deals before this one\)/g, ' (сверх лимита нагрузки: до этого $1/$2 сделок)'],
  // times last: «Mon 10:00», «Mon 12 Jan 10:00»
  [WHEN, (m, d, day, month, time) => WEEKDAYS[d] + (day ? ' ' + day + ' ' + MONTHS[month] : '') + ' ' + time],
];

/** Russian for a why text of the API (attempt, chain stop, routing decision, unassigned reason); null stays null. */
function why(text) {
  if (text === null || text === undefined || text === '') return text;
  let out = String(text);
  if (!/[A-Za-z]{3}/.test(out)) return out;
  for (const [re, to] of WHY_RULES) out = out.replace(re, to);
  return out;
}

labels.why = why;
labels.strategy = STRATEGIES;
/** A time zone's Russian name («Москва» for Europe/Moscow); an unknown one as it is. */
labels.zone = (z) => ZONES[z] || z;

// ---- history details: «ключ: значение» in Russian, the codes named, the why texts translated ----

/** Russian names of the keys of history rows' details worth showing; the other keys are left out. */
export const DETAIL_KEYS = {
  no: 'попытка', step: 'шаг', of: 'из', ladder: 'график', dueAt: 'срок', why: 'почему', outcome: 'итог',
  result: 'итог', attempts: 'попыток', reachedBefore: 'был контакт', reason: 'причина', comment: 'комментарий',
  status: 'статус', stage: 'этап', from: 'с этапа', to: 'на этап', title: 'задача', text: 'текст', source: 'источник',
  phone: 'номер', managerId: 'менеджер', previousManagerId: 'прежний менеджер', byHand: 'вручную',
  forcedAboveCap: 'сверх лимита', strategy: 'стратегия', note: 'заметка', score: 'оценка', direction: 'направление',
  missed: 'пропущен', talkSeconds: 'разговор', callBackAt: 'перезвонить', kind: 'вид', cancelled: 'отменены попытки',
};
const DETAIL_SOURCES = {
  missed_call: 'пропущенный звонок', web_form: 'форма на сайте', email: 'письмо', chat: 'чат', messenger: 'мессенджер',
  sms: 'SMS', manual: 'вручную', phone: 'звонок', cdr: 'журнал АТС',
};
const DETAIL_KINDS = {
  CALLBACK: 'перезвон', CLOSING_CONTROL: 'контроль закрытия', MANUAL: 'задача', STAGE: 'задача этапа',
  NEXT_STEP: 'следующий шаг', STAGE_TASK: 'задача этапа',
};
const DIRECTIONS = { INBOUND: 'входящий', OUTBOUND: 'исходящий' };

/**
 * One line of a history row's details: «попытка: 2, из: 4, почему: …». names: {reason(code), stage(code),
 * manager(id)} give the funnel's and the people's names where the page knows them.
 */
export function detailText(details, names = {}) {
  const reason = names.reason || ((c) => c);
  const stage = names.stage || ((c) => c);
  const manager = names.manager || ((id) => 'менеджер №' + id);
  const value = (k, v) => {
    if (typeof v === 'boolean') return v ? 'да' : 'нет';
    if (k === 'why') return why(v);
    if (k === 'reason') return /^[a-z_]+$/.test(v) ? reason(v) : why(v);
    if (k === 'outcome' || k === 'result') return labels.outcome[v] || v;
    if (k === 'status') return labels.dealStatus[v] || v;
    if (k === 'stage' || k === 'from' || k === 'to') return stage(v);
    if (k === 'source') return DETAIL_SOURCES[v] || v;
    if (k === 'kind') return DETAIL_KINDS[v] || v;
    if (k === 'direction') return DIRECTIONS[v] || v;
    if (k === 'strategy') return STRATEGIES[v] || v;
    if (k === 'managerId' || k === 'previousManagerId') return manager(v);
    if (k === 'phone') return fmt.phone(v);
    if (k === 'talkSeconds') return fmt.duration(v);
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmt.dateTime(v);
    return String(v);
  };
  const parts = [];
  for (const [k, v] of Object.entries(details || {})) {
    if (v === null || v === undefined || !DETAIL_KEYS[k]) continue;
    if (Array.isArray(v)) {
      if (v.length && v.every((x) => typeof x !== 'object')) parts.push(DETAIL_KEYS[k] + ': ' + v.join(', '));
      continue;
    }
    if (typeof v === 'object') continue;
    parts.push(DETAIL_KEYS[k] + ': ' + value(k, v));
  }
  return parts.join(', ');
}

/** Who did it, for people: «система», «АТС», a manager's name (names.manager) … */
export function actorText(actor, names = {}) {
  if (!actor) return '';
  const fixed = { system: 'система', admin: 'администратор', pbx: 'АТС', cdr: 'журнал АТС', supervisor: 'руководитель' };
  if (fixed[actor]) return fixed[actor];
  const m = /^manager:(\d+)$/.exec(actor);
  return m ? (names.manager ? names.manager(Number(m[1])) : 'менеджер №' + m[1]) : actor;
}
