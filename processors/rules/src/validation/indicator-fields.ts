/**
 * What each indicator kind's fields can hold, read from the `FraudIndicator` contract itself: the
 * JSON types, the enumerated values, the numeric bounds. The fraud checks use it to tell that a
 * condition can never hold (`amount` on an SMS, `direction` equal to `"in"`, `durationSec > 100000`).
 */
import { FraudIndicator, type FraudIndicatorKind } from '@fenghuo/contracts';

export type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object';

export interface FieldInfo {
  readonly types: ReadonlySet<JsonType>;
  /** The only values it can take (a union of literals), when it is one. */
  readonly values?: ReadonlySet<string | number | boolean>;
  /** Values of the elements, for a list field of literals. */
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: number;
}

type Schema = {
  type?: string;
  const?: string | number | boolean;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
};

function typeOf(s: Schema): JsonType | undefined {
  if (s.const !== undefined) return typeof s.const as JsonType;
  switch (s.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
    case 'boolean':
    case 'array':
    case 'object':
      return s.type;
    default:
      return undefined;
  }
}

function infoOf(s: Schema): FieldInfo {
  const variants = s.anyOf ?? [s];
  const types = new Set<JsonType>();
  for (const v of variants) {
    const t = typeOf(v);
    if (t !== undefined) types.add(t);
  }
  const allLiterals = variants.every((v) => v.const !== undefined);
  return {
    types,
    ...(allLiterals ? { values: new Set(variants.map((v) => v.const as string | number | boolean)) } : {}),
    ...(s.minimum === undefined ? {} : { min: s.minimum }),
    ...(s.maximum === undefined ? {} : { max: s.maximum }),
    ...(s.exclusiveMinimum === undefined ? {} : { exclusiveMin: s.exclusiveMinimum }),
  };
}

function collect(props: Record<string, Schema>, prefix: string, out: Map<string, FieldInfo>): void {
  for (const [name, s] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    out.set(path, infoOf(s));
    if (s.properties !== undefined) collect(s.properties, `${path}.`, out);
  }
}

const byKind = new Map<FraudIndicatorKind, Map<string, FieldInfo>>();
for (const variant of FraudIndicator.anyOf as unknown as Schema[]) {
  const props = variant.properties ?? {};
  const kind = props.kind?.const as FraudIndicatorKind;
  const fields = new Map<string, FieldInfo>();
  collect(props, '', fields);
  byKind.set(kind, fields);
}

/** The fields of one indicator kind, by dot path (`amount`, `location.lat`). */
export function indicatorFields(kind: FraudIndicatorKind): ReadonlyMap<string, FieldInfo> {
  return byKind.get(kind) ?? new Map();
}
