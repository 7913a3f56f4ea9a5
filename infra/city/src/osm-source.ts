/** What the OSM readers (PBF, XML) hand to an importer, entity by entity. */

export interface OsmSink {
  node(id: number, lon: number, lat: number): void;
  way(id: number, refs: number[], tags: Record<string, string>): void;
}

/** Progress callback: bytes of the input consumed so far and the total. */
export type ProgressFn = (done: number, total: number) => void;

export class OsmFormatError extends Error {
  readonly code = 'OSM_FORMAT';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OsmFormatError';
  }
}
