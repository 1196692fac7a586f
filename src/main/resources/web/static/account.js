// The signed-in person's own account: «Сменить пароль» in every page's top bar (POST /api/me/password).
//   import { passwordButton } from '/static/account.js';  topbar.append(passwordButton());
import { api, ApiError, el, toast, lockedText } from '/static/app.js';

const MIN = 8;

let dialog = null;

function field(id, label, autocomplete) {
  return [el('label', { for: id }, label),
    el('input', { id, type: 'password', required: true, autocomplete, maxlength: 1024 })];
}

function build() {
  const error = el('p', { id: 'pw-error', class: 'error hidden', role: 'alert' });
  const form = el('form', { id: 'pw-form', method: 'dialog', novalidate: true },
    el('h2', { id: 'pw-title' }, 'Сменить пароль'),
    field('pw-current', 'Текущий пароль', 'current-password'),
    field('pw-new', 'Новый пароль', 'new-password'),
    el('p', { id: 'pw-hint', class: 'muted where' }, 'Не короче ' + MIN + ' символов. Другие ваши входы (на других'
      + ' компьютерах и в других браузерах) будут завершены, этот останется.'),
    field('pw-repeat', 'Новый пароль ещё раз', 'new-password'),
    error,
    el('div', { class: 'actions' },
      el('button', { type: 'button', id: 'pw-cancel', onclick: () => dialog.close() }, 'Отмена'),
      el('button', { type: 'submit', id: 'pw-save', class: 'primary' }, 'Сменить пароль')));
  form.addEventListener('submit', (e) => { e.preventDefault(); save(form, error); });
  const d = el('dialog', { id: 'pw-dialog', 'aria-labelledby': 'pw-title' }, form);
  document.body.append(d);
  d.querySelector('#pw-new').setAttribute('aria-describedby', 'pw-hint');
  return d;
}

function show(error, text) {
  error.textContent = text;
  error.classList.toggle('hidden', !text);
}

async function save(form, error) {
  const current = form.querySelector('#pw-current').value;
  const fresh = form.querySelector('#pw-new').value;
  const repeat = form.querySelector('#pw-repeat').value;
  if (!current) { show(error, 'Введите текущий пароль.'); form.querySelector('#pw-current').focus(); return; }
  if ([...fresh].length < MIN) { show(error, 'Новый пароль: не короче ' + MIN + ' символов.'); form.querySelector('#pw-new').focus(); return; }
  if (fresh !== repeat) { show(error, 'Новые пароли не совпадают.'); form.querySelector('#pw-repeat').focus(); return; }
  const button = form.querySelector('#pw-save');
  button.disabled = true;
  try {
    await api('POST', '/api/me/password', { current, new: fresh }, { noRedirect: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      show(error, 'Текущий пароль неверен.');
      form.querySelector('#pw-current').value = '';
      form.querySelector('#pw-current').focus();
    } else if (e instanceof ApiError && e.status === 429) {
      show(error, lockedText(e.body.retryAfterSeconds));
    } else if (e instanceof ApiError && e.status === 400 && e.field === 'new') {
      show(error, 'Новый пароль: от ' + MIN + ' до 128 символов.');
    } else if (e instanceof ApiError && e.status === 401) {
      show(error, 'Сеанс закончился: войдите снова.');
    } else {
      show(error, 'Пароль не изменён: сервер не ответил. Попробуйте ещё раз.');
    }
    return;
  } finally {
    button.disabled = false;
  }
  form.reset();
  dialog.close();
  toast('Пароль изменён. Другие ваши входы завершены.', 'ok');
}

/** Opens the dialog (made once, on first use). */
export function openPasswordDialog() {
  dialog = dialog || build();
  dialog.querySelector('form').reset();
  show(dialog.querySelector('#pw-error'), '');
  dialog.showModal();
  dialog.querySelector('#pw-current').focus();
}

/** The top bar's «Сменить пароль» button. */
export function passwordButton() {
  return el('button', { type: 'button', class: 'link', id: 'change-password', 'aria-haspopup': 'dialog',
    onclick: openPasswordDialog }, 'Сменить пароль');
}
