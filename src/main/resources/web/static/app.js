// Shared front end of Dozvon's pages (plain ES module, no build step). Imported by every page:
//   import { api, me, stream, fmt, el, toast } from '/static/app.js';
//
// api(method, path, body?)  fetch with the session cookie and, on POST/PUT/PATCH/DELETE, the X-CSRF-Token header;
//                           resolves to the parsed JSON (null for 204); rejects with ApiError {status, error, detail,
//                           rule, field, body}; a 401 sends the browser to /login (unless {noRedirect: true}).
// me()                      the signed-in person {id, name, role, login, extension, csrfToken} (cached).
// stream(handlers)          EventSource on /api/live/stream; handlers: {'deal.created': (event) => ..., onOpen, onError};
//                           each event handler gets the parsed JSON and the MessageEvent. The browser reconnects by
//                           itself and sends Last-Event-ID, so the server replays what was missed.
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

export function stream(handlers) {
  const source = new EventSource('/api/live/stream');
  for (const [type, fn] of Object.entries(handlers)) {
    if (type === 'onOpen' || type === 'onError') {
      continue;
    }
    source.addEventListener(type, (msg) => {
      let data = null;
      try { data = JSON.parse(msg.data); } catch (e) { return; }
      try { fn(data, msg); } catch (e) { console.error('handler of ' + type + ' failed', e); }
    });
  }
  if (handlers.onOpen) { source.addEventListener('open', handlers.onOpen); }
  if (handlers.onError) { source.addEventListener('error', handlers.onError); }
  return source;
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
  role: { admin: 'администратор', supervisor: 'руководитель', operator: 'оператор' },
};
