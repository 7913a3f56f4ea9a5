/**
 * Time as a dependency: handlers, windows and rate limits read the clock they are given, so tests
 * and backtests can run them on a clock they control.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to (tests, replays of recorded history). */
export class ManualClock implements Clock {
  constructor(private ms: number = 0) {}

  now(): number {
    return this.ms;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock does not go backwards');
    this.ms += ms;
  }

  /** Sets the time; never earlier than now. */
  set(ms: number): void {
    if (ms < this.ms) throw new RangeError('a clock does not go backwards');
    this.ms = ms;
  }
}
