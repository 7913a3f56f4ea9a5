/** `npm run city:import -- FILE --name NAME` — builds a city pack from OpenStreetMap or OSMnx data. */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  completePack,
  DEFAULT_PACKS_DIR,
  importGraphml,
  importOsmGraph,
  type PlacementOptions,
  packDir,
  readDistricts,
  readPosts,
  readStations,
  readUnits,
  writeCityPack,
} from '@fenghuo/city';
import { progressBar } from './progress.js';
import { summary } from './summary.js';

const HELP = `Usage: npm run city:import -- FILE --name NAME [options]

Builds a city pack from FILE: OpenStreetMap .osm.pbf, .osm or .osm.gz (drivable ways, one-way
rules, speeds from maxspeed or the highway class; only the largest strongly connected part is
kept), or an OSMnx .graphml (node ids and edges kept as they are). Grid cells are a square grid
over the area; stations, posts and units are spread over the roads unless you supply them. Each
cell goes to the station standing in it, else the nearest; stations are grouped into districts;
every cell gets a community officer and every station a duty desk (unless --units has them).

Options:
  --name NAME          pack name (required); written to <out>/<NAME>/
  --out DIR            packs folder (default: ${DEFAULT_PACKS_DIR})
  --cell-size M        grid cell side in metres (default: about 400 cells, at least 250 m)
  --posts N            number of generated posts (default: nodes / 250, 3 to 90)
  --stations FILE      GeoJSON Points with properties id, name
  --districts FILE     JSON {"districts":[{"id","name","stationIds":[...]}]} (default: stations
                       grouped by three, nearest first)
  --posts-file FILE    GeoJSON Points with properties id, name, stationId
  --units FILE         GeoJSON Points with properties id, callSign, kind, homeId, stationId
                       (and gridCellId for community officers)
  --all-components     keep every road fragment (default: largest strongly connected only;
                       GraphML is always taken as given so node ids match the source)
  -h, --help           show this help

OpenStreetMap data is (c) OpenStreetMap contributors, ODbL 1.0.
`;

function run(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      out: { type: 'string', default: DEFAULT_PACKS_DIR },
      'cell-size': { type: 'string' },
      posts: { type: 'string' },
      stations: { type: 'string' },
      districts: { type: 'string' },
      'posts-file': { type: 'string' },
      units: { type: 'string' },
      'all-components': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new Error('give exactly one input FILE (see --help)');
  if (!values.name) throw new Error('--name is required (see --help)');
  const dir = packDir(values.name, values.out);
  const placement: PlacementOptions = {};
  if (values['cell-size'] !== undefined) {
    const v = Number(values['cell-size']);
    if (!(v > 0))
      throw new Error(`--cell-size must be a positive number of metres, got ${values['cell-size']}`);
    placement.cellSizeM = v;
  }
  if (values.posts !== undefined) {
    const v = Number(values.posts);
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`--posts must be a positive integer, got ${values.posts}`);
    placement.posts = v;
  }
  if (values.stations) placement.stations = readStations(values.stations);
  if (values.districts) placement.districts = readDistricts(values.districts);
  if (values['posts-file']) placement.postsLayer = readPosts(values['posts-file']);
  if (values.units) placement.units = readUnits(values.units);

  const t0 = performance.now();
  const onProgress = progressBar(`reading ${basename(file)}`);
  const isGraphml = /\.graphml(\.gz)?$/i.test(file);
  const graph = isGraphml
    ? importGraphml(file, { onProgress })
    : importOsmGraph(file, { onProgress, largestComponentOnly: !values['all-components'] }).graph;
  const source = isGraphml ? 'graphml' : /\.pbf$/i.test(file) ? 'osm-pbf' : 'osm-xml';
  const pack = completePack(
    graph,
    {
      name: values.name,
      source,
      input: basename(file),
      attribution: '(c) OpenStreetMap contributors, ODbL 1.0',
    },
    placement,
  );
  writeCityPack(pack, dir);
  process.stdout.write(
    `wrote ${dir}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${summary(pack)} in ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
  );
}

try {
  run();
} catch (err) {
  process.stderr.write(`city:import: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
