/**
 * The watch list as this instance knows it: the latest entry per plate, from `vehicles.watchlist`
 * (compacted; every instance reads all of it) and from the commands this instance carried out.
 */
import type { OperatorCommand, WatchListEntry } from '@fenghuo/contracts';

export class WatchList {
  private readonly entries = new Map<string, WatchListEntry>();

  /** Keeps the entry unless a later one for the plate is already known. */
  apply(entry: WatchListEntry): void {
    const known = this.entries.get(entry.plate);
    if (known && changedAt(known) > changedAt(entry)) return;
    this.entries.set(entry.plate, entry);
  }

  get(plate: string): WatchListEntry | undefined {
    return this.entries.get(plate);
  }

  /** Whether a sighting of `plate` at `atMs` should open a pursuit. */
  isWatched(plate: string, atMs: number): boolean {
    const e = this.entries.get(plate);
    if (e?.status !== 'active') return false;
    return e.until === undefined || Date.parse(e.until) > atMs;
  }

  get size(): number {
    return this.entries.size;
  }
}

function changedAt(e: WatchListEntry): number {
  return Date.parse(e.removedAt ?? e.addedAt);
}

/** The watch-list entry a `watchlist_add` / `watchlist_remove` command makes, or undefined for other commands. */
export function entryFromCommand(
  cmd: OperatorCommand,
  previous: WatchListEntry | undefined,
): WatchListEntry | undefined {
  const c = cmd.command;
  switch (c.type) {
    case 'watchlist_add':
      return {
        version: 1,
        plate: c.plate,
        status: 'active',
        reason: c.reason,
        addedBy: cmd.user.username,
        addedAt: cmd.issuedAt,
        ...(c.until === undefined ? {} : { until: c.until }),
        commandId: cmd.commandId,
      };
    case 'watchlist_remove':
      return {
        version: 1,
        plate: c.plate,
        status: 'removed',
        reason: c.reason ?? previous?.reason ?? 'removed',
        addedBy: previous?.addedBy ?? cmd.user.username,
        addedAt: previous?.addedAt ?? cmd.issuedAt,
        removedBy: cmd.user.username,
        removedAt: cmd.issuedAt,
        commandId: cmd.commandId,
      };
    default:
      return undefined;
  }
}
