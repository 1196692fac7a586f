// The wallboard: the key figures for a TV, big type, no interaction; the stream reconnects by itself.
import { el, clear, labels } from '/static/app.js';
import { liveFigures, tile, fillTiles, thresholds, talk } from '/static/staff.js';

const TILES = [
  ['waitingCallers', 'Ждут в очереди'], ['callsInProgress', 'Разговоров сейчас'], ['missedToday', 'Пропущено сегодня'],
  ['abandonRate', 'Доля потерянных'], ['serviceLevel', 'Уровень сервиса'], ['callbackBacklog', 'Ждут перезвона'],
  ['speedToLead', 'Скорость реакции'], ['breaches', 'Опоздания 5 / 20 мин'],
];

const tiles = document.getElementById('tiles');
for (const [key, label] of TILES) tiles.append(tile(key, label));

const clock = document.getElementById('wb-clock');
const clockFormat = new Intl.DateTimeFormat('ru-RU', { hour: '2-digit', minute: '2-digit' });
function tick() { clock.textContent = clockFormat.format(new Date()); }
tick();
setInterval(tick, 10000);

function render(s) {
  fillTiles(s);
  const th = thresholds(s);
  const box = clear(document.getElementById('wb-managers'));
  for (const m of (s.managers || []).filter((x) => x.state !== 'OFF')) {
    const over = m.talkOverLimit ?? (m.talkSecondsToday ?? 0) > th.talkLimitSeconds;
    box.append(el('div', { class: 'wb-manager' + (over ? ' over' : ''), dataset: { managerId: m.id } },
      el('span', { class: 'name' }, m.name),
      el('span', { class: 'st' }, m.pbxPaused ? 'пауза' : (labels.phoneState[m.phoneState] || labels.managerState[m.state] || '')),
      el('span', { class: 'talk' }, talk(m.talkSecondsToday ?? 0))));
  }
}

const state = document.getElementById('feed-state');
window.dozvonFeed = liveFigures(render, (st) => {
  state.textContent = st === 'live' ? 'в эфире' : 'переподключение…';
  state.classList.toggle('reconnecting', st !== 'live');
});
