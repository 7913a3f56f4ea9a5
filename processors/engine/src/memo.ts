/**
 * A bounded memo for pure functions of a string (a text's keyword hits, a text model's analysis):
 * the same SMS template, app name or report text reaches the engine again and again (a campaign
 * sends one text to thousands of residents), and analysing it once is enough. First in, first out:
 * at `maxEntries` the oldest entry goes; texts longer than `maxKeyLength` are not kept (a long call
 * transcript is rarely repeated, and would hold memory).
 */
export class TextMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxKeyLength: number,
  ) {}

  /** Number of texts kept. */
  get size(): number {
    return this.map.size;
  }

  get(text: string): V | undefined {
    return this.map.get(text);
  }

  /** Keeps `value` for `text` (unless the text is too long), evicting the oldest entry when full. */
  set(text: string, value: V): void {
    if (text.length > this.maxKeyLength || this.maxEntries <= 0) return;
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
    this.map.set(text, value);
  }
}
