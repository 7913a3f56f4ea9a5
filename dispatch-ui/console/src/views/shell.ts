/**
 * The frame around every view: who is signed in, the connection badge ("stale since hh:mm:ss" while
 * disconnected), the language switch and log out.
 */
import type { Session } from '../api.ts';
import { fill, h } from '../dom.ts';
import { clock } from '../format.ts';
import { lang, onLangChange, roleText, setLang, t } from '../i18n.ts';
import type { ConnectionState } from '../live/connection.ts';
import type { View } from './context.ts';

export interface Shell {
  readonly main: HTMLElement;
  setConnection(state: ConnectionState): void;
  setView(view: View): void;
  dispose(): void;
}

export function mountShell(root: HTMLElement, session: Session, onLogout: () => void): Shell {
  const user = session.user;
  const badge = h('span.conn', { id: 'conn-badge', dataset: { state: 'connecting' } });
  const who = h('span.who');
  const langButton = h('button.ghost', {
    id: 'lang-toggle',
    onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
  });
  const logout = h('button.ghost', { id: 'logout', onclick: () => onLogout() });
  const brand = h('span.brand', null, h('span.beacon', null, '烽'), h('span.brand-name'));
  const header = h('header.topbar', null, brand, who, h('span.spacer'), badge, langButton, logout);
  const main = h('main.view', { dataset: { role: user.role } });
  root.replaceChildren(h('div.app', { dataset: { role: user.role } }, header, main));
  let state: ConnectionState = { kind: 'connecting' };
  let view: View | undefined;

  const label = () => {
    (brand.lastChild as HTMLElement).textContent = t('appName');
    const region = user.region ? ` · ${user.region.id}` : user.unitId ? ` · ${user.unitId}` : '';
    who.textContent = `${user.username} (${roleText(user.role)})${region}`;
    langButton.textContent = t('language');
    logout.textContent = t('logout');
    drawBadge();
  };
  const drawBadge = () => {
    badge.dataset.state = state.kind;
    fill(
      badge,
      state.kind === 'live'
        ? t('connected')
        : state.kind === 'connecting'
          ? t('connecting')
          : `${t('staleSince')} ${clock(state.since)}`,
    );
  };
  label();
  const off = onLangChange(() => {
    label();
    view?.relabel();
  });
  return {
    main,
    setConnection(next) {
      state = next;
      drawBadge();
    },
    setView(v) {
      view = v;
    },
    dispose() {
      off();
      view?.dispose();
      root.replaceChildren();
    },
  };
}
