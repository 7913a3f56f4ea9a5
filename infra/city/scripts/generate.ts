/** `npm run city:generate` — writes a generated city pack (the default one unless told otherwise). */
import { parseArgs } from 'node:util';
import {
  DEFAULT_PACK_NAME,
  DEFAULT_PACKS_DIR,
  DEFAULT_SEED,
  generateCity,
  packDir,
  writeCityPack,
} from '@fenghuo/city';
import { summary } from './summary.js';

const HELP = `Usage: npm run city:generate -- [options]

Generates a deterministic city pack (roads, grid cells with their stations and community
officers, stations with their duty desks, districts, posts, patrol units, cameras) and writes it
to <out>/<name>/ (see docs/city-pack.md).

Options:
  --name NAME     pack name (default: ${DEFAULT_PACK_NAME})
  --seed N        random seed (default: ${DEFAULT_SEED}; the default pack uses it)
  --nodes N       approximate number of road nodes (default: 22000)
  --out DIR       packs folder (default: ${DEFAULT_PACKS_DIR})
  -h, --help      show this help
`;

function run(): void {
  const { values } = parseArgs({
    options: {
      name: { type: 'string', default: DEFAULT_PACK_NAME },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      nodes: { type: 'string', default: '22000' },
      out: { type: 'string', default: DEFAULT_PACKS_DIR },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const seed = Number(values.seed);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(seed) || seed < 0)
    throw new Error(`--seed must be a non-negative integer, got ${values.seed}`);
  if (!Number.isInteger(nodes) || nodes < 100)
    throw new Error(`--nodes must be an integer >= 100, got ${values.nodes}`);
  const t0 = performance.now();
  const pack = generateCity({ name: values.name, seed, targetNodes: nodes });
  const dir = packDir(values.name, values.out);
  writeCityPack(pack, dir);
  const g = pack.graph;
  process.stdout.write(
    `wrote ${dir}: ${g.nodeCount} nodes, ${g.edgeCount} edges, ${summary(pack)} in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
  );
}

try {
  run();
} catch (err) {
  process.stderr.write(`city:generate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
