/**
 * Writes one JSON Schema file per contract to contracts/schemas/ (`npm run contracts:jsonschema`).
 * `--check` writes nothing and exits 1 when a file is missing or stale (CI runs it through the tests).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../src/json-schema.ts';

const USAGE = `Usage: npm run contracts:jsonschema [-- --check]

Writes contracts/schemas/<Contract>.json for every contract in contracts/src.
  --check   write nothing; exit 1 if a schema file is missing, stale or extra
  --help    show this help`;

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown argument: ${unknown.join(' ')}\n\n${USAGE}`);
    return 2;
  }
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
  const files = renderJsonSchemas();
  if (argv.includes('--check')) {
    const stale = staleSchemaFiles(outDir, files);
    for (const s of stale) console.error(`stale: contracts/schemas/${s}`);
    if (stale.length > 0) console.error('run `npm run contracts:jsonschema` and commit the result');
    return stale.length === 0 ? 0 : 1;
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(outDir, name), text);
  console.log(`wrote ${files.size} schemas to contracts/schemas/`);
  return 0;
}

export function staleSchemaFiles(outDir: string, files: ReadonlyMap<string, string>): string[] {
  let present: string[] = [];
  try {
    present = readdirSync(outDir).filter((f) => f.endsWith('.json'));
  } catch {
    // no folder yet: every file is missing
  }
  const stale = present.filter((f) => !files.has(f));
  for (const [name, text] of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(outDir, name), 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== text) stale.push(name);
  }
  return stale.sort();
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
