// Admin page: people (create, edit, deactivate, reset password) and the funnel and dialing settings, read-only.
import { api, me, el, clear, fmt, labels, toast } from '/static/app.js';
import { staffBar } from '/static/staff.js';

const ERRORS = {
  login_taken: 'Такой логин уже занят', extension_taken: 'Этот внутренний номер уже занят',
  manager_inactive: 'Сотрудник деактивирован', forbidden: 'Недостаточно прав',
};
const FIELDS = {
  name: 'Имя', extension: 'Внутренний номер', maxActiveDeals: 'Лимит активных сделок', login: 'Логин',
  password: 'Пароль', role: 'Роль',
};

function explain(e) {
  if (e.field) return (FIELDS[e.field] || e.field) + ': ' + (e.detail || 'неверное значение');
  return ERRORS[e.error] || ERRORS[e.rule] || e.detail || e.message;
}

function showError(id, text) {
  const p = document.getElementById(id);
  p.textContent = text;
  p.classList.toggle('hidden', !text);
}

let people = [];
let editing = null;

async function load() {
  const [who, list] = await Promise.all([me(), api('GET', '/api/managers')]);
  people = Array.isArray(list) ? list : list.managers || [];
  // A supervisor manages operators; a supervisor's password and activity are the admin's (the API says 403).
  const mayManage = (m) => who.role === 'admin' || m.role === 'operator';
  const body = clear(document.querySelector('#people tbody'));
  for (const m of people) {
    body.append(el('tr', { class: m.active ? null : 'inactive', dataset: { managerId: m.id, login: m.login || '' } },
      el('th', { scope: 'row' }, m.name),
      el('td', {}, m.extension || '—'),
      el('td', {}, labels.role[m.role] || m.role),
      el('td', {}, String(m.maxActiveDeals)),
      el('td', {}, m.login || '—'),
      el('td', {}, m.active ? el('span', { class: 'badge ok' }, 'активен') : el('span', { class: 'badge neutral' }, 'деактивирован')),
      el('td', { class: 'actions-cell' },
        el('button', { type: 'button', class: 'edit', onclick: () => openEdit(m), 'aria-label': 'Изменить: ' + m.name }, 'Изменить'),
        mayManage(m) ? el('button', { type: 'button', class: 'password', onclick: () => openPassword(m), 'aria-label': 'Сбросить пароль: ' + m.name }, 'Пароль') : null,
        !mayManage(m) ? el('span', { class: 'muted where' }, 'пароль и доступ — у администратора')
        : m.active
          ? el('button', { type: 'button', class: 'danger deactivate', onclick: () => deactivate(m), 'aria-label': 'Деактивировать: ' + m.name }, 'Деактивировать')
          : el('button', { type: 'button', class: 'reactivate', onclick: () => reactivate(m), 'aria-label': 'Вернуть: ' + m.name }, 'Вернуть'))));
  }
  if (!people.length) body.append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'Сотрудников пока нет.')));
}

async function create(e) {
  e.preventDefault();
  const f = e.target;
  const v = Object.fromEntries(new FormData(f).entries());
  for (const k of ['name', 'extension', 'login', 'password']) {
    if (!String(v[k] || '').trim()) {
      showError('create-error', 'Заполните поле «' + FIELDS[k] + '»');
      f.elements[k].focus();
      return;
    }
  }
  const body = { name: v.name.trim(), extension: v.extension.trim(), maxActiveDeals: Number(v.maxActiveDeals),
    role: v.role, login: v.login.trim(), password: v.password };
  try {
    await api('POST', '/api/managers', body);
  } catch (err) {
    showError('create-error', explain(err));
    return;
  }
  showError('create-error', '');
  f.reset();
  toast('Сотрудник «' + body.name + '» создан, логин ' + body.login, 'ok');
  load();
}

let whoRole = null;
me().then((w) => { whoRole = w.role; }, () => {});
function editingMayLogin(m) {
  return whoRole === 'admin' || m.role === 'operator';
}

function openEdit(m) {
  editing = m;
  const f = document.getElementById('edit-form');
  f.elements.name.value = m.name;
  f.elements.extension.value = m.extension || '';
  f.elements.maxActiveDeals.value = m.maxActiveDeals;
  f.elements.login.value = m.login || '';
  f.elements.login.disabled = !(editingMayLogin(m));
  document.getElementById('e-role').textContent = labels.role[m.role] || m.role;
  showError('edit-error', '');
  document.getElementById('edit-title').textContent = 'Изменить: ' + m.name;
  document.getElementById('edit-dialog').showModal();
}

async function saveEdit(e) {
  e.preventDefault();
  const f = e.target;
  const patch = {};
  if (f.elements.name.value.trim() !== editing.name) patch.name = f.elements.name.value.trim();
  if (f.elements.extension.value.trim() !== (editing.extension || '')) patch.extension = f.elements.extension.value.trim();
  if (Number(f.elements.maxActiveDeals.value) !== editing.maxActiveDeals) patch.maxActiveDeals = Number(f.elements.maxActiveDeals.value);
  if (f.elements.login.value.trim() && f.elements.login.value.trim() !== (editing.login || '')) patch.login = f.elements.login.value.trim();
  if (Object.keys(patch).length) {
    try {
      await api('PATCH', '/api/managers/' + editing.id, patch);
    } catch (err) {
      showError('edit-error', explain(err));
      return;
    }
    toast('Сохранено', 'ok');
  }
  document.getElementById('edit-dialog').close();
  load();
}

function openPassword(m) {
  editing = m;
  document.getElementById('password-title').textContent = 'Новый пароль: ' + m.name;
  document.getElementById('p-password').value = '';
  showError('password-error', '');
  document.getElementById('password-dialog').showModal();
}

async function savePassword(e) {
  e.preventDefault();
  const password = document.getElementById('p-password').value;
  if (!password) {
    showError('password-error', 'Введите новый пароль');
    return;
  }
  try {
    await api('PATCH', '/api/managers/' + editing.id, { password });
  } catch (err) {
    showError('password-error', explain(err));
    return;
  }
  document.getElementById('password-dialog').close();
  toast('Пароль сотрудника «' + editing.name + '» изменён', 'ok');
}

async function deactivate(m) {
  if (!confirm('Деактивировать «' + m.name + '»? Его сделки и задачи уйдут на распределение, войти он не сможет.')) return;
  try {
    await api('DELETE', '/api/managers/' + m.id);
  } catch (err) {
    toast('Не деактивирован: ' + explain(err), 'error');
    return;
  }
  toast('«' + m.name + '» деактивирован', 'ok');
  load();
}

async function reactivate(m) {
  try {
    await api('PATCH', '/api/managers/' + m.id, { active: true });
  } catch (err) {
    toast('Не возвращён: ' + explain(err), 'error');
    return;
  }
  load();
}

function dl(pairs) {
  return el('dl', {}, pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function dur(d) {
  if (!d) return '—';
  const s = d.seconds;
  if (s === 0) return 'сразу';
  if (s % 86400 === 0) return s / 86400 + ' ' + fmt.plural(s / 86400, 'день', 'дня', 'дней');
  if (s % 3600 === 0) return s / 3600 + ' ч';
  if (s % 60 === 0) return s / 60 + ' мин';
  return s + ' с';
}

const DAYS = { MONDAY: 'пн', TUESDAY: 'вт', WEDNESDAY: 'ср', THURSDAY: 'чт', FRIDAY: 'пт', SATURDAY: 'сб', SUNDAY: 'вс' };

async function settings() {
  const fbox = document.getElementById('funnel-settings');
  const dbox = document.getElementById('dialing-settings');
  try {
    const f = await api('GET', '/api/funnel');
    fbox.append(
      el('table', { class: 'compact', id: 'stages' }, el('caption', { class: 'sr-only' }, 'Этапы воронки'),
        el('thead', {}, el('tr', {}, ['Этап', 'Обязательные поля', 'Задача при входе'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, f.stages.map((s) => el('tr', {}, el('th', { scope: 'row' }, s.name, s.won ? ' ✓' : ''),
          el('td', {}, (s.requiredFields || []).map((f) => labels.field[f] || f).join(', ') || '—'),
          el('td', {}, s.taskOnEntry ? s.taskOnEntry.title + ' (' + s.taskOnEntry.withinMinutes + ' мин)' : '—'))))),
      dl([['Причины проигрыша', f.lossReasons.map((r) => r.name).join(', ')],
        ['Причины выигрыша', f.winReasons.map((r) => r.name).join(', ')],
        ['Некорректные', f.invalidReasons.map((r) => r.name).join(', ')],
        ['Автозакрытие', f.closing ? 'через ' + f.closing.autoCloseAfterDays + ' дн. без движения' : '—']]),
      el('p', { class: 'muted where' }, 'Где менять: ', el('code', {}, 'funnel.stages'), ', ', el('code', {}, 'funnel.reasons'), '.'));
  } catch (e) {
    fbox.append(el('p', { class: 'error' }, 'Воронка не загружена: ' + explain(e)));
  }
  try {
    const d = await api('GET', '/api/settings/dialing');
    const w = d.callingWindow;
    dbox.append(
      el('ol', { id: 'ladder-steps' }, d.ladder.steps.map((s) => el('li', {},
        s.kind === 'delay' ? (s.step === 1 ? 'после заявки: ' : 'после предыдущей попытки: ') + dur(s.delay)
          : 'следующий рабочий день, через ' + dur(s.offset) + ' после открытия'))),
      dl([['Если не дозвонились', 'сделка проиграна («' + d.ladder.exhausted.lossReason + '»), задача «' + d.ladder.exhausted.supervisorTask + '»'],
        ['«Перезвонить позже»', 'через ' + dur(d.ladder.callLaterAfter)],
        ['Окно звонков', w.opens + '–' + w.closes + ', ' + w.days.map((x) => DAYS[x]).join(' ') + ' (' + labels.zone(w.timezone) + ')'],
        ['Праздники', w.holidays.length ? w.holidays.length + ' дн., ближайший ' + (w.holidays.find((h) => h >= new Date().toISOString().slice(0, 10)) || '—') : 'нет'],
        ['Мобильный номер', limit(d.numberLimits.mobile)],
        ['Городской номер', limit(d.numberLimits.fixedLine)],
        ['Автодозвон', d.dialer.autoDial ? 'включён для всех' : 'по менеджерам', ],
        ['Пауза после звонка', dur(d.dialer.wrapUp)]]),
      el('p', { class: 'muted where' }, 'Где менять: ', el('code', {}, d.ladder.configKey), '; окно: ', el('code', {}, w.configKey),
        ' или ', el('code', {}, w.env.join(', ')), '; автодозвон: ', el('code', {}, 'dialer'), ' или ', el('code', {}, 'DOZVON_AUTODIAL'), '.'));
  } catch (e) {
    dbox.append(el('p', { class: 'error' }, 'Настройки дозвона не загружены: ' + explain(e)));
  }
}

function limit(l) {
  return l.maxPerDay ? 'не больше ' + l.maxPerDay + ' в день, с перерывом ' + dur(l.minGap) : 'без ограничений';
}

staffBar('/admin');
document.getElementById('create-form').addEventListener('submit', create);
document.getElementById('edit-form').addEventListener('submit', saveEdit);
document.getElementById('edit-cancel').addEventListener('click', () => document.getElementById('edit-dialog').close());
document.getElementById('password-form').addEventListener('submit', savePassword);
document.getElementById('password-cancel').addEventListener('click', () => document.getElementById('password-dialog').close());
load().then(() => { document.body.dataset.loaded = 'true'; }, (e) => toast('Список не загружен: ' + explain(e), 'error'));
settings();
