import type { CityBasemap, RosterUnit } from '@fenghuo/contracts';
import type { Session } from '../api.ts';
import type { Connection } from '../live/connection.ts';
import type { LiveStore } from '../live/store.ts';

/** What every view gets: the session, the live store and socket, the city, and where to draw. */
export interface AppContext {
  readonly session: Session;
  readonly store: LiveStore;
  readonly conn: Connection;
  /** The offline basemap (absent for analysts, who have no map). */
  readonly basemap: CityBasemap | undefined;
  readonly roster: readonly RosterUnit[];
  readonly main: HTMLElement;
}

/** A mounted view: redraws its text on a language switch, and is removed on logout. */
export interface View {
  relabel(): void;
  dispose(): void;
}
