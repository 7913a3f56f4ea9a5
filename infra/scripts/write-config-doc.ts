/** `npm run docs:config`: writes docs/configuration.md from the services' config specs. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDoc } from './config-doc.ts';

export const CONFIG_DOC = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'docs',
  'configuration.md',
);

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--help')) {
    console.log(
      "Usage: npm run docs:config\n\nWrites docs/configuration.md from the services' config specs.",
    );
  } else {
    writeFileSync(CONFIG_DOC, renderConfigDoc());
    console.log('wrote docs/configuration.md');
  }
}
