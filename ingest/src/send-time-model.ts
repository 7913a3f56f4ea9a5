/**
 * How long Kafka takes to acknowledge a send of `n` events, learnt from the sends ingest made
 * recently: `ms(n) = fixedMs + perEventMs × n`, fitted by least squares over exponentially decayed
 * samples (each new send weighs `1 - decay`, so the model follows a broker that slows down or
 * recovers within a few dozen sends). The fixed part is the round trip and the broker's commit;
 * the per-event part is serialisation and bytes.
 *
 * When the recent sends were all of about the same size the slope cannot be fitted; the model then
 * takes every send to cost what the recent ones did on average (no per-event part). Both parts are
 * clamped at zero, so a noisy fit never predicts a negative time.
 */

export interface SendTimeModelOptions {
  /** Weight kept by the older samples at each new one. @defaultValue 0.9 */
  readonly decay?: number;
}

export class SendTimeModel {
  private readonly decay: number;
  // Decayed sums of weight, x (events), y (ms), x² and x·y.
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  constructor(opts: SendTimeModelOptions = {}) {
    this.decay = opts.decay ?? 0.9;
  }

  /** True once at least one send was measured. */
  get trained(): boolean {
    return this.w > 0;
  }

  /** Records one acknowledged send: `events` events took `ms` from the send to the acknowledgement. */
  observe(events: number, ms: number): void {
    const d = this.decay;
    this.w = this.w * d + 1;
    this.sx = this.sx * d + events;
    this.sy = this.sy * d + ms;
    this.sxx = this.sxx * d + events * events;
    this.sxy = this.sxy * d + events * ms;
  }

  /** The fitted `{fixedMs, perEventMs}`; zeros before the first sample. */
  fit(): { fixedMs: number; perEventMs: number } {
    if (this.w === 0) return { fixedMs: 0, perEventMs: 0 };
    const mx = this.sx / this.w;
    const my = this.sy / this.w;
    const varX = this.sxx / this.w - mx * mx;
    // Sizes within ~1 event of each other: no slope to fit.
    if (varX < 1) return { fixedMs: Math.max(0, my), perEventMs: 0 };
    const slope = Math.max(0, (this.sxy / this.w - mx * my) / varX);
    const fixed = my - slope * mx;
    if (fixed < 0) return { fixedMs: 0, perEventMs: Math.max(0, my / Math.max(mx, 1)) };
    return { fixedMs: fixed, perEventMs: slope };
  }

  /** Predicted milliseconds for a send of `events` events. */
  predict(events: number): number {
    const { fixedMs, perEventMs } = this.fit();
    return fixedMs + perEventMs * events;
  }
}
