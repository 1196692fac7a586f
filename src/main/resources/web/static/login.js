// The sign-in page: POST /login (JSON), then the page the person came for, or theirs by role.
import { api, ApiError, setCsrfToken, lockedText } from '/static/app.js';

const form = document.getElementById('login-form');
const errorBox = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

function showError(text) {
  errorBox.textContent = text;
  errorBox.classList.remove('hidden');
}

/** Where to go after signing in: ?next= when it is a path of this site, else by role. */
function target(role) {
  const next = new URLSearchParams(location.search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')) {
    return next;
  }
  return role === 'operator' ? '/operator' : '/supervisor';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  errorBox.classList.add('hidden');
  const login = form.login.value.trim();
  const password = form.password.value;
  if (!login || !password) {
    showError('Введите логин и пароль.');
    return;
  }
  submit.disabled = true;
  try {
    const who = await api('POST', '/login', { login, password }, { noCsrf: true, noRedirect: true });
    setCsrfToken(who.csrfToken);
    location.assign(target(who.role));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showError('Неверный логин или пароль');
      form.password.value = '';
      form.password.focus();
    } else if (err instanceof ApiError && err.status === 429) {
      showError(lockedText(err.body.retryAfterSeconds));
    } else if (err instanceof ApiError && err.status === 400) {
      showError('Введите логин и пароль.');
    } else {
      showError('Сервер не отвечает. Попробуйте ещё раз.');
    }
  } finally {
    submit.disabled = false;
  }
});
