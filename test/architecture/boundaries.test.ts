/**
 * Proves that the architecture rules in `.dependency-cruiser.cjs` (run by `npm run lint`) catch what
 * they claim to: dependency-cruiser, with the repo's own rules, over a small fixture tree written to
 * a temp dir, where each deliberate violation must be reported under the expected rule, every rule
 * must be reported at least once, and the legal imports must not be reported at all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;

/** from → to, each a path in the fixture tree; the rule expected to catch it (undefined = legal). */
const CASES: readonly { from: string; to: string; rule: string | undefined }[] = [
  // services never import each other; the engine is not an exception the other way round
  {
    from: 'processors/engine/src/x.ts',
    to: 'processors/fraud-scorer/src/y.ts',
    rule: 'processors-do-not-import-other-services',
  },
  {
    from: 'processors/router/src/a.ts',
    to: 'processors/fraud-scorer/src/b.ts',
    rule: 'processors-do-not-import-other-services',
  },
  {
    from: 'processors/router/src/deep.ts',
    to: 'processors/engine/src/score.ts',
    rule: 'processors-use-the-engine-through-its-entry-points',
  },
  {
    from: 'processors/engine/src/z.ts',
    to: 'infra/kit/src/logger.ts',
    rule: 'engine-imports-only-contracts-and-kit-leaves',
  },
  {
    from: 'processors/engine/src/w.ts',
    to: 'infra/city/src/graph.ts',
    rule: 'engine-imports-only-contracts-and-kit-leaves',
  },
  { from: 'contracts/src/c.ts', to: 'infra/kit/src/errors.ts', rule: 'contracts-import-nothing-of-ours' },
  {
    from: 'infra/kit/src/k.ts',
    to: 'processors/engine/src/index.ts',
    rule: 'shared-code-imports-only-contracts',
  },
  { from: 'infra/kit/src/j.ts', to: 'infra/city/src/graph.ts', rule: 'kit-and-city-are-independent' },
  { from: 'infra/city/src/g.ts', to: 'infra/kit/src/mask.ts', rule: 'city-does-not-need-the-kit' },
  {
    from: 'ingest/src/i.ts',
    to: 'processors/engine/src/index.ts',
    rule: 'ingest-does-not-import-other-services',
  },
  {
    from: 'dispatch-ui/gateway/src/s.ts',
    to: 'processors/engine/src/index.ts',
    rule: 'gateway-does-not-import-other-services',
  },
  {
    from: 'dispatch-ui/console/src/m.ts',
    to: 'infra/kit/src/mask.ts',
    rule: 'console-imports-only-contracts',
  },
  {
    from: 'processors/fraud-scorer/src/p.ts',
    to: 'processors/engine/test/support/index.ts',
    rule: 'production-code-does-not-import-tests',
  },
  // (with loop-b.ts → loop-a.ts in EXTRA_IMPORTS: the cycle is reported once, on one of its edges)
  { from: 'processors/router/src/loop-a.ts', to: 'processors/router/src/loop-b.ts', rule: 'no-circular' },
  // legal imports
  { from: 'processors/router/src/ok.ts', to: 'processors/engine/src/index.ts', rule: undefined },
  { from: 'processors/engine/src/ok.ts', to: 'infra/kit/src/mask.ts', rule: undefined },
  { from: 'processors/engine/src/ok2.ts', to: 'infra/kit/src/errors.ts', rule: undefined },
  { from: 'processors/engine/src/ok3.ts', to: 'contracts/src/index.ts', rule: undefined },
  {
    from: 'processors/fraud-scorer/src/q.test.ts',
    to: 'processors/engine/test/support/index.ts',
    rule: undefined,
  },
  { from: 'processors/fraud-scorer/src/own.ts', to: 'processors/fraud-scorer/src/y.ts', rule: undefined },
  { from: 'infra/kit/src/ok.ts', to: 'contracts/src/index.ts', rule: undefined },
  {
    from: 'infra/simulator/src/s.ts',
    to: 'ingest/src/kinds.ts',
    rule: 'simulator-uses-only-public-apis',
  },
  { from: 'infra/simulator/src/ok.ts', to: 'infra/city/src/graph.ts', rule: undefined },
  { from: 'infra/simulator/src/ok.test.ts', to: 'processors/engine/src/index.ts', rule: undefined },
];

/** Imports written into the tree but not checked one by one. */
const EXTRA_IMPORTS = [{ from: 'processors/router/src/loop-b.ts', to: 'processors/router/src/loop-a.ts' }];

let root: string;
let result: ICruiseResult;

function specifier(from: string, to: string): string {
  const rel = relative(dirname(from), to);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fenghuo-boundaries-'));
  const files = new Map<string, string[]>();
  for (const { from, to } of [...CASES, ...EXTRA_IMPORTS]) {
    files.set(from, [...(files.get(from) ?? []), `import '${specifier(from, to)}';`]);
    if (!files.has(to)) files.set(to, []);
  }
  for (const [path, lines] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${lines.join('\n')}\nexport const here = ${JSON.stringify(path)};\n`);
  }
  const out = await cruise(
    ['contracts', 'infra', 'ingest', 'processors', 'dispatch-ui'],
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: config.forbidden ?? [] },
      tsPreCompilationDeps: true,
    },
    { extensions: ['.ts', '.js'] },
  );
  result = out.output as ICruiseResult;
}, 60_000);

afterAll(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

const reported = (from: string, to: string) =>
  result.summary.violations
    .filter((v) => v.from === from && (v.to === to || (v.cycle ?? []).some((c) => c.name === to)))
    .map((v) => v.rule.name);

describe('architecture boundaries (.dependency-cruiser.cjs)', () => {
  it('resolves every fixture import (a typo would make the rules look weaker than they are)', () => {
    const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve));
    expect(unresolved).toEqual([]);
  });

  for (const { from, to, rule } of CASES.filter((c) => c.rule !== undefined)) {
    it(`reports ${from} → ${to} as ${rule}`, () => {
      expect(reported(from, to)).toContain(rule);
    });
  }

  it('reports every rule of the config at least once', () => {
    const names = new Set(result.summary.violations.map((v) => v.rule.name));
    expect([...names].sort()).toEqual((config.forbidden ?? []).map((r) => r.name).sort());
  });

  it('does not report the legal imports', () => {
    for (const { from, to } of CASES.filter((c) => c.rule === undefined)) {
      expect(reported(from, to), `${from} → ${to}`).toEqual([]);
    }
  });
});
