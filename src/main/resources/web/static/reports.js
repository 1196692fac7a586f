// Reports for a period (docs/REPORTS.md): charts where a person would rather look than read, a table beside
// each for the exact figures, and the CSV of each report.
import { api, el, clear, fmt, labels } from '/static/app.js';
import { staffBar, barChart, heatLevel, wait, talk } from '/static/staff.js';

const WEEKDAYS = { MON: 'Пн', TUE: 'Вт', WED: 'Ср', THU: 'Чт', FRI: 'Пт', SAT: 'Сб', SUN: 'Вс' };
const STATUS = { lost: 'Проиграны', won: 'Выиграны', invalid: 'Некорректные' };

function iso(d) {
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}

function setDays(days) {
  const to = new Date();
  const from = new Date();
  from.setDate(from.getDate() - (days - 1));
  document.getElementById('from').value = iso(from);
  document.getElementById('to').value = iso(to);
}

function body(name) {
  return clear(document.querySelector('#report-' + name + ' .report-body'));
}

function table(caption, head, rows) {
  return el('table', { class: 'compact' }, el('caption', { class: 'sr-only' }, caption),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c))))));
}

function renderFunnel(r) {
  const b = body('funnel');
  if (!r.leads) {
    b.append(el('p', { class: 'muted empty' }, 'За период заявок не было.'));
    return;
  }
  b.append(el('p', {}, 'Заявок за период: ', el('strong', {}, fmt.number(r.leads)),
    ' · в работе ' + r.status.open + ', выиграно ' + r.status.won + ', проиграно ' + r.status.lost +
    ', некорректных ' + r.status.invalid));
  b.append(barChart(r.stages.map((s) => ({ label: s.name, value: s.reached, kind: s.won ? 'won' : null,
    text: s.reached + ' · ' + fmt.percent(s.share) })), 'Сколько заявок дошло до каждого этапа', { max: r.leads }));
  b.append(table('Конверсия по этапам', ['Этап', 'Дошли', 'Доля от заявок', 'Из предыдущего'],
    r.stages.map((s) => [s.name, fmt.number(s.reached), fmt.percent(s.share), fmt.percent(s.conversionFromPrevious)])));
}

function renderReasons(r) {
  const b = body('reasons');
  if (!r.closed) {
    b.append(el('p', { class: 'muted empty' }, 'За период сделки не закрывались.'));
    return;
  }
  b.append(el('p', {}, 'Закрыто сделок: ', el('strong', {}, fmt.number(r.closed))));
  for (const status of ['lost', 'won', 'invalid']) {
    const part = r[status];
    if (!part || !part.total) continue;
    b.append(el('h3', {}, STATUS[status] + ': ' + part.total));
    b.append(barChart(part.reasons.filter((x) => x.count > 0).map((x) => ({ label: x.name, value: x.count, kind: status,
      text: x.count + ' · ' + fmt.percent(x.share) })), STATUS[status] + ' по причинам', { max: part.total }));
  }
}

function renderManagers(r) {
  const b = body('managers');
  if (!r.managers.length) {
    b.append(el('p', { class: 'muted empty' }, 'За период у менеджеров не было заявок и звонков.'));
    return;
  }
  b.append(barChart(r.managers.map((m) => ({ label: m.name, value: m.conversion ?? 0,
    text: m.conversion === null ? 'нет закрытых' : fmt.percent(m.conversion) + ' (' + m.won + ' из ' + (m.won + m.lost) + ')' })),
  'Конверсия менеджеров', { max: 1, width: 900, labelWidth: 220 }));
  b.append(table('Показатели менеджеров за период',
    ['Менеджер', 'Заявок', 'Дозвонились', 'Скорость реакции (медиана / p90)', 'Конверсия', 'Средний цикл сделки', 'Звонков', 'Время разговоров'],
    r.managers.map((m) => [m.name + (m.active ? '' : ' (неактивен)'), fmt.number(m.leads),
      fmt.number(m.reached) + ' · ' + fmt.percent(m.reachedShare),
      wait(m.speedToLead && m.speedToLead.medianSeconds) + ' / ' + wait(m.speedToLead && m.speedToLead.p90Seconds),
      fmt.percent(m.conversion), m.averageDealCycleSeconds === null ? '—' : days(m.averageDealCycleSeconds),
      fmt.number(m.calls), talk(m.talkSeconds)])));
}

function days(seconds) {
  const d = seconds / 86400;
  return d >= 1 ? d.toLocaleString('ru-RU', { maximumFractionDigits: 1 }) + ' дн.' : wait(seconds);
}

function renderHeatmap(r) {
  const b = body('heatmap');
  b.append(el('p', {}, 'Пропущено за период: ', el('strong', {}, fmt.number(r.total)),
    r.peak ? ' · больше всего: ' + WEEKDAYS[r.peak.weekday] + ', ' + r.peak.hour + ':00 (' + r.peak.count + ')' : ''));
  const max = Math.max(0, ...r.cells.flat());
  const hours = r.hours || [...Array(24).keys()];
  b.append(el('table', { class: 'heatmap', id: 'heatmap' },
    el('caption', { class: 'sr-only' }, 'Пропущенные звонки по дням недели (строки) и часам (столбцы)'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'День'), hours.map((h) => el('th', { scope: 'col' }, String(h))))),
    el('tbody', {}, r.weekdays.map((w, i) => el('tr', {}, el('th', { scope: 'row' }, WEEKDAYS[w] || w),
      r.cells[i].map((c, h) => el('td', { class: 'heat-' + heatLevel(c, max), title: (WEEKDAYS[w] || w) + ', ' + h + ':00 — ' + c },
        c ? String(c) : '')))))));
  b.append(el('div', { class: 'legend', 'aria-hidden': 'true' }, 'меньше',
    [0, 1, 2, 3, 4, 5].map((l) => el('span', { class: 'heat-' + l }, l === 0 ? '0' : '')), 'больше'));
}

function renderLadder(r) {
  const b = body('ladder');
  const rows = r.steps.map((s) => ({ name: 'Шаг ' + s.step, s }));
  if (r.outsideLadder && r.outsideLadder.attempts) rows.push({ name: 'Вне графика', s: r.outsideLadder });
  if (!rows.some((x) => x.s.attempts)) {
    b.append(el('p', { class: 'muted empty' }, 'За период перезвонов не было.'));
    return;
  }
  b.append(barChart(rows.map((x) => ({ label: x.name, value: x.s.reachedShare ?? 0,
    text: x.s.reachedShare === null || x.s.reachedShare === undefined ? 'нет итогов' : fmt.percent(x.s.reachedShare) + ' дозвона' })),
  'Доля дозвона по шагам графика перезвона', { max: 1 }));
  b.append(table('Итоги попыток по шагам',
    ['Шаг', 'Попыток', 'Дозвон', 'Позже', 'Не отв.', 'Занято', 'Недоступ.', 'Ошибка', 'Отменены', 'Не решены'],
    rows.map((x) => [x.name, x.s.attempts, x.s.reached, x.s.reachedCallLater, x.s.noAnswer, x.s.busy,
      x.s.unavailable, x.s.failed, x.s.cancelled, x.s.open])));
}

const RENDER = { funnel: renderFunnel, reasons: renderReasons, managers: renderManagers, heatmap: renderHeatmap, ladder: renderLadder };

async function show() {
  const from = document.getElementById('from').value;
  const to = document.getElementById('to').value;
  const error = document.getElementById('period-error');
  error.classList.add('hidden');
  if (!from || !to) {
    error.textContent = 'Укажите обе даты периода.';
    error.classList.remove('hidden');
    return;
  }
  if (to < from) {
    error.textContent = 'Дата «по» раньше даты «с».';
    error.classList.remove('hidden');
    return;
  }
  const q = '?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to);
  history.replaceState(null, '', location.pathname + q);
  for (const a of document.querySelectorAll('a.csv')) {
    a.href = '/api/reports/' + a.dataset.report + q + '&format=csv';
    a.setAttribute('download', a.dataset.report + '-' + from + '-' + to + '.csv');
    a.setAttribute('aria-label', 'Скачать CSV: ' + a.closest('section').querySelector('h2').textContent);
  }
  document.getElementById('period-info').textContent = 'Загрузка…';
  const results = await Promise.allSettled(Object.keys(RENDER).map(async (name) => {
    const r = await api('GET', '/api/reports/' + name + q);
    RENDER[name](r);
    return r;
  }));
  const failed = results.map((r, i) => [r, Object.keys(RENDER)[i]]).filter(([r]) => r.status === 'rejected');
  for (const [r, name] of failed) {
    body(name).append(el('p', { class: 'error' }, 'Отчёт не загружен: ' + (r.reason.detail || r.reason.message)));
  }
  const first = results.find((r) => r.status === 'fulfilled');
  document.getElementById('period-info').textContent = first
    ? 'Период: ' + from.split('-').reverse().join('.') + ' — ' + to.split('-').reverse().join('.') + ' (' + labels.zone(first.value.timezone) + ')'
    : '';
  document.body.dataset.loaded = 'true';
}

staffBar('/supervisor/reports');
const params = new URLSearchParams(location.search);
if (params.get('from') && params.get('to')) {
  document.getElementById('from').value = params.get('from');
  document.getElementById('to').value = params.get('to');
} else {
  setDays(30);
}
for (const b of document.querySelectorAll('[data-days]')) {
  b.addEventListener('click', () => { setDays(Number(b.dataset.days)); show(); });
}
document.getElementById('period').addEventListener('submit', (e) => { e.preventDefault(); show(); });
show();
