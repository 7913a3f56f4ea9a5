/**
 * The console's entry: sign in, then the view for the person's role, over one socket and one live
 * store. Operators, supervisors and officers get the live map; analysts the figures and the rules
 * workbench. Everything comes from the gateway's origin.
 */
import type { CityBasemap, RosterUnit, UnitRoster } from '@fenghuo/contracts';
import { Session } from './api.ts';
import { alertPerson } from './attention.ts';
import { h } from './dom.ts';
import { levelText, t } from './i18n.ts';
import { Connection } from './live/connection.ts';
import { LiveStore } from './live/store.ts';
import './styles.css';
import type { AppContext } from './views/context.ts';
import { mountLogin } from './views/login.ts';
import { mountForRole } from './views/router.ts';
import { mountShell } from './views/shell.ts';

const root = document.getElementById('app') as HTMLElement;

async function start(session: Session): Promise<void> {
  const store = new LiveStore((flush) => requestAnimationFrame(flush));
  const role = session.user.role;
  const needsMap = role !== 'analyst' && role !== 'admin';
  const [basemap, roster] = await Promise.all([
    needsMap ? session.get<CityBasemap>('/api/city/basemap') : Promise.resolve(undefined),
    session.get<UnitRoster>('/api/city/units').catch(() => ({ units: [] as RosterUnit[] })),
  ]);
  store.setRoster(roster.units);
  const shell = mountShell(root, session, () => {
    conn.close();
    session.end();
    shell.dispose();
    showLogin();
  });
  const conn = new Connection(session.token, store, {
    onState: (s) => shell.setConnection(s),
    onNewOrder: (o) => {
      if (role === 'officer') alertPerson(t('newOrder'), o.instructions ?? o.refId, o.priority <= 1);
    },
    onAlert: (a, previous) => {
      const newlyUrgent = a.level === 'urgent' && a.status === 'open' && previous?.level !== 'urgent';
      if ((role === 'operator' || role === 'supervisor') && newlyUrgent)
        alertPerson(t('newUrgentAlert'), `${levelText(a.level)} · ${a.reason.zh}`, true);
    },
  });
  session.onRenew((token) => conn.renew(token));
  const ctx: AppContext = { session, store, conn, basemap, roster: roster.units, main: shell.main };
  shell.setView(mountForRole(ctx));
}

function showLogin(): void {
  root.replaceChildren();
  mountLogin(root, (session) => {
    root.replaceChildren(h('div.loading', null, t('connecting')));
    start(session).catch((err: unknown) => {
      console.error(err);
      session.end();
      showLogin();
    });
  });
}

const restored = Session.restore();
if (restored) {
  start(restored).catch(() => {
    restored.end();
    showLogin();
  });
} else {
  showLogin();
}
