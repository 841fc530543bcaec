// How the page signs its viewer in, in the server's mode (docs/web-protocol.md, "Sign-in"): development picks a user
// (?user=<open_id>), token mode asks once for the seed's token (an HttpOnly cookie then keeps the session), oidc goes
// to the team's identity provider. Also the warning of --insecure-dev-login and the sign-out button.

import { ApiError } from './api.js';
import { h } from './dom.js';

const $ = (selector, root = document) => root.querySelector(selector);
const DEVELOPMENT = { sign_in: 'development', insecure_dev_login: false };

const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' };

export class SignIn {
  constructor({ params, fetchImpl } = {}) {
    this.params = params;
    this.fetchImpl = fetchImpl || ((...args) => globalThis.fetch(...args));
    this.settings = DEVELOPMENT;
    this.checking = false;
    this.#forgetUrlToken();
  }

  /** A token no longer travels in links: drop one an old personal link carries from the address bar. */
  #forgetUrlToken() {
    if (!this.params || !this.params.has('token')) return;
    this.params.delete('token');
    const query = this.params.toString();
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }

  /** The server's sign-in mode; shows the banner when development sign-in runs on an exposed node. */
  async load() {
    try {
      const response = await this.fetchImpl('/web/api/config', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      this.settings = response.ok ? { ...DEVELOPMENT, ...(await response.json()) } : DEVELOPMENT;
    } catch (e) {
      this.settings = DEVELOPMENT;
    }
    if (this.settings.insecure_dev_login) showInsecureBanner();
    return this.settings;
  }

  get mode() {
    return this.settings.sign_in;
  }

  get development() {
    return this.mode === 'development';
  }

  /** Asks the viewer to sign in: the token form, or the identity provider. */
  begin(note = '') {
    if (this.mode === 'oidc') {
      location.assign(`/web/auth/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    this.#tokenForm(note);
  }

  #tokenForm(note) {
    document.body.dataset.state = 'signin';
    const box = $('[data-testid="signin"]');
    $('h1', box).textContent = '登录';
    $('[data-testid="signin-note"]').textContent = note;
    $('[data-testid="user-picker"]').replaceChildren();
    const user = h('input', { type: 'text', name: 'user', 'data-testid': 'signin-user', placeholder: 'open_id (ou_…)', 'aria-label': '用户 open_id', autocomplete: 'username' });
    user.value = (this.params && this.params.get('user')) || '';
    const token = h('input', { type: 'password', name: 'token', 'data-testid': 'signin-token', placeholder: '令牌', 'aria-label': '令牌', autocomplete: 'current-password' });
    const error = h('p', { class: 'signin-note', 'data-testid': 'signin-error' });
    const form = h('form', { class: 'signin-form', 'data-testid': 'signin-form' }, user, token, h('button', { type: 'submit', 'data-testid': 'signin-submit', text: '登录' }), error);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.textContent = '';
      try {
        const response = await this.fetchImpl('/web/auth/token', {
          method: 'POST', headers: JSON_HEADERS, credentials: 'same-origin', body: JSON.stringify({ user: user.value.trim(), token: token.value }),
        });
        if (!response.ok) {
          error.textContent = response.status === 401 ? '用户或令牌不正确' : `登录失败（HTTP ${response.status}）`;
          return;
        }
        location.reload();
      } catch (err) {
        error.textContent = `登录失败：${err.message}`;
      }
    });
    $('.signin-form', box)?.remove();
    box.append(form);
    box.hidden = false;
  }

  /** The sign-out button of the top bar (production modes: development has nothing to sign out of). */
  offerSignOut() {
    if (this.development || $('[data-testid="sign-out"]')) return;
    const button = h('button', { type: 'button', class: 'sign-out', 'data-testid': 'sign-out', text: '退出登录' });
    button.addEventListener('click', async () => {
      button.disabled = true;
      this.signingOut = true; // the socket closes with the session: that is no reason to sign in again
      try {
        const response = await this.fetchImpl('/web/auth/logout', { method: 'POST', headers: JSON_HEADERS, credentials: 'same-origin', body: '{}' });
        const answer = response.ok ? await response.json() : null;
        location.assign((answer && answer.next) || '/web/auth/signed-out');
      } catch (e) {
        this.signingOut = false;
        button.disabled = false;
      }
    });
    $('.topbar').append(button);
  }

  /** After the live connection dropped: when the session ended (expired, signed out elsewhere), sign in again. */
  async connectionLost(api) {
    if (this.development || this.checking || this.signingOut) return;
    this.checking = true;
    try {
      await api.session();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.begin('会话已结束，请重新登录');
    } finally {
      this.checking = false;
    }
  }
}

/** The warning every page of an exposed development server shows (--insecure-dev-login). */
function showInsecureBanner() {
  if ($('[data-testid="insecure-banner"]')) return;
  document.body.prepend(h('div', {
    class: 'insecure-banner', role: 'alert', 'data-testid': 'insecure-banner',
    text: '不安全的开发登录：任何能访问本服务器的人都可以用 ?user= 冒充任何用户、阅读所有聊天（--insecure-dev-login）。'
      + ' Insecure development sign-in: anyone who reaches this server can read every chat as any user.',
  }));
}
