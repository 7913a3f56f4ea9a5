/** `npm run docs:events`: writes docs/events.md from the contracts (`--check`: exit 1 if stale). */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventCatalogue } from '../src/event-catalogue.ts';

export const EVENTS_DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'events.md');

function main(argv: readonly string[]): number {
  if (argv.includes('--help')) {
    console.log('Usage: npm run docs:events [-- --check]\n\nWrites docs/events.md from contracts/.');
    return 0;
  }
  const text = renderEventCatalogue();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(EVENTS_DOC, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current === text) return 0;
    console.error('docs/events.md is stale: run `npm run docs:events`');
    return 1;
  }
  writeFileSync(EVENTS_DOC, text);
  console.log('wrote docs/events.md');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
