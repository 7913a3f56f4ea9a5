/** The login page at `/`: username, password, language switch; the role picks the view after. */
import { login, RequestError, Session } from '../api.ts';
import { primeAttention } from '../attention.ts';
import { h } from '../dom.ts';
import { lang, setLang, t } from '../i18n.ts';

export function mountLogin(root: HTMLElement, onLogin: (session: Session) => void): void {
  const draw = () => {
    const error = h('p.login-error', { role: 'alert', id: 'login-error' });
    const user = h('input', { name: 'username', id: 'username', autocomplete: 'username', required: true });
    const pass = h('input', {
      name: 'password',
      id: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    });
    const button = h('button.primary', { type: 'submit', id: 'login-submit' }, t('login'));
    const form = h(
      'form.login-card',
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          primeAttention();
          button.disabled = true;
          error.textContent = '';
          try {
            onLogin(new Session(await login(user.value.trim(), pass.value)));
          } catch (err) {
            const code = err instanceof RequestError ? err.code : 'unavailable';
            error.textContent =
              code === 'too_many_attempts'
                ? t('loginLimited')
                : code === 'unavailable' || (err instanceof RequestError && err.status >= 500)
                  ? t('loginUnavailable')
                  : t('loginFailed');
            button.disabled = false;
          }
        },
      },
      h('div.login-brand', null, h('span.beacon', null, '烽'), h('h1', null, t('appName'))),
      h('label', null, t('username'), user),
      h('label', null, t('password'), pass),
      button,
      error,
      h(
        'button.link',
        {
          type: 'button',
          onclick: () => {
            setLang(lang() === 'zh' ? 'en' : 'zh');
            draw();
          },
        },
        t('language'),
      ),
    );
    root.replaceChildren(h('main.login-page', null, form));
    user.focus();
  };
  draw();
}
