/**
 * Runtime validation for the contracts: compiled TypeBox checkers (chosen by `npm run bench:contracts`),
 * with every problem reported as a field path and a reason.
 */
import { FormatRegistry, type Static, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';

const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

/** The `date-time` format of RFC 3339, as the contracts use it. */
export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value);
}
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);

/** One problem with a value: where (`location.lat`, `urls[2]`, or `` for the whole value) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

export interface Codec<T> {
  /** Contract name, e.g. `FraudIndicator`. */
  readonly name: string;
  readonly schema: TSchema;
  /** For a union told apart by a literal field (`kind`, `type`): that field's name. */
  readonly discriminator?: string;
  /** Fast check with no error collection. */
  is(value: unknown): value is T;
  /** Check and, on failure, return every problem found (up to `maxErrors`). */
  validate(value: unknown, maxErrors?: number): DecodeResult<T>;
  /** Parse JSON (string or bytes) and validate. */
  decode(data: string | Uint8Array): DecodeResult<T>;
  /** Serialise a value already known to be valid. */
  encode(value: T): Buffer;
}

/** `/location/lat` → `location.lat`; `/urls/2` → `urls[2]`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** `Expected union value` says nothing; for a union of literals, name the allowed values. */
function messageOf(error: ValueError): string {
  if (error.type === ValueErrorType.Union) {
    const options = (error.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? [];
    if (options.length > 0 && options.every((o) => o.const !== undefined)) {
      return `Expected one of: ${options.map((o) => String(o.const)).join(', ')}`;
    }
  }
  return error.message;
}

type ObjectVariant = { properties?: Record<string, { const?: unknown }> };

/**
 * The property every variant of a union of objects holds as a distinct literal (`kind`, `type`), or
 * `undefined` when there is none. Nested unions told apart this way get the chosen variant's errors.
 */
export function discriminatorOf(schema: TSchema): string | undefined {
  const variants = (schema as { anyOf?: ObjectVariant[] }).anyOf;
  const first = variants?.[0]?.properties;
  if (!variants || !first) return undefined;
  for (const [name, prop] of Object.entries(first)) {
    if (prop.const === undefined) continue;
    const tags = variants.map((v) => v.properties?.[name]?.const);
    if (tags.every((t) => t !== undefined) && new Set(tags).size === tags.length) return name;
  }
  return undefined;
}

function joinPath(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
}

function tagOf(value: unknown, discriminator: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[discriminator]
    : undefined;
}

function collect(errors: Iterable<ValueError>, maxErrors: number): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  const missing = new Set<string>();
  const push = (path: string, message: string): boolean => {
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ path, message });
    }
    return issues.length >= maxErrors;
  };
  const visit = (iterable: Iterable<ValueError>): boolean => {
    for (const error of iterable) {
      const path = pointerToPath(error.path);
      // A missing field is reported once, not again as "wrong type" for the same path.
      if (missing.has(path)) continue;
      if (error.type === ValueErrorType.ObjectRequiredProperty) missing.add(path);
      const discriminator = error.type === ValueErrorType.Union ? discriminatorOf(error.schema) : undefined;
      if (discriminator !== undefined && typeof error.value === 'object' && error.value !== null) {
        // A nested union told apart by a literal: report the matching variant's own errors.
        const variants = (error.schema as unknown as { anyOf: ObjectVariant[] }).anyOf;
        const tag = tagOf(error.value, discriminator);
        const index = variants.findIndex((v) => v.properties?.[discriminator]?.const === tag);
        const branch = error.errors[index];
        if (index >= 0 && branch !== undefined) {
          if (visit(branch)) return true;
          continue;
        }
        const allowed = variants.map((v) => String(v.properties?.[discriminator]?.const)).join(', ');
        const message =
          tag === undefined ? `required; one of ${allowed}` : `${describe(tag)} is not one of ${allowed}`;
        if (push(joinPath(path, discriminator), message)) return true;
        continue;
      }
      if (push(path, messageOf(error))) return true;
    }
    return false;
  };
  visit(errors);
  return issues;
}

const DEFAULT_MAX_ERRORS = 20;

function withJson<T>(base: Omit<Codec<T>, 'decode' | 'encode'>): Codec<T> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    ...base,
    decode(data) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
      } catch (err) {
        return { ok: false, errors: [{ path: '', message: `not valid JSON: ${(err as Error).message}` }] };
      }
      return base.validate(parsed);
    },
    encode(value) {
      return Buffer.from(JSON.stringify(value));
    },
  };
}

/** A codec for an object schema, or for a union where no discriminator applies. */
export function codec<S extends TSchema>(name: string, schema: S): Codec<Static<S>> {
  let compiled: TypeCheck<S> | undefined;
  const check = (): TypeCheck<S> => {
    compiled ??= TypeCompiler.Compile(schema);
    return compiled;
  };
  return withJson<Static<S>>({
    name,
    schema,
    is: (value): value is Static<S> => check().Check(value),
    validate(value, maxErrors = DEFAULT_MAX_ERRORS) {
      const c = check();
      if (c.Check(value)) return { ok: true, value };
      return { ok: false, errors: collect(c.Errors(value), maxErrors) };
    },
  });
}

interface Variant {
  readonly anyOf: readonly TSchema[];
}

/**
 * A codec for a union of objects told apart by a literal `discriminator` field (e.g. `kind`):
 * errors name the variant's own fields instead of "expected one of the union". A union of one
 * variant (built with {@link variantsOf}) works too, so a new variant is an addition.
 */
export function discriminatedCodec<S extends TSchema & Variant>(
  name: string,
  schema: S,
  discriminator: string,
): Codec<Static<S>> {
  const variants = new Map<unknown, TSchema>();
  for (const variant of schema.anyOf) {
    const tag = (variant as { properties?: Record<string, { const?: unknown }> }).properties?.[discriminator]
      ?.const;
    if (tag === undefined) throw new Error(`${name}: variant without a literal "${discriminator}"`);
    variants.set(tag, variant);
  }
  const compiled = new Map<unknown, TypeCheck<TSchema>>();
  const checkFor = (tag: unknown): TypeCheck<TSchema> | undefined => {
    let c = compiled.get(tag);
    if (c === undefined) {
      const variant = variants.get(tag);
      if (variant === undefined) return undefined;
      c = TypeCompiler.Compile(variant);
      compiled.set(tag, c);
    }
    return c;
  };
  const allowed = [...variants.keys()].map(String).join(', ');

  return withJson<Static<S>>({
    name,
    schema,
    discriminator,
    is: (value): value is Static<S> => checkFor(tagOf(value, discriminator))?.Check(value) === true,
    validate(value, maxErrors = DEFAULT_MAX_ERRORS) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, errors: [{ path: '', message: `expected an object, got ${describe(value)}` }] };
      }
      const tag = tagOf(value, discriminator);
      const c = checkFor(tag);
      if (c === undefined) {
        const message =
          tag === undefined ? `required; one of ${allowed}` : `${describe(tag)} is not one of ${allowed}`;
        return { ok: false, errors: [{ path: discriminator, message }] };
      }
      if (c.Check(value)) return { ok: true, value: value as Static<S> };
      return { ok: false, errors: collect(c.Errors(value), maxErrors) };
    },
  });
}
