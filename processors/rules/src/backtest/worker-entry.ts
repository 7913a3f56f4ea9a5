/**
 * How a backtest pool's worker threads load their code (`score-worker.ts` and what it imports: the
 * runner, the engine, the contracts).
 *
 * - `bundle`: the worker's whole module graph bundled into one script (a function around CommonJS-style code) with esbuild (the
 *   esbuild that tsx itself runs on, so it is there wherever the service runs), built once per
 *   process and kept in memory; each worker evaluates it (`eval: true`). A worker then starts in a few
 *   tens of milliseconds instead of loading every TypeScript file through tsx's loader (about 0.6 s of
 *   CPU per worker). `import.meta.url` is replaced in each file by that file's own URL, so files read
 *   beside a module (the engine's text models) are found as from the sources.
 * - `tsx`: tsx's loader registered in the worker, which then imports `score-worker.ts` (the
 *   fallback when esbuild cannot be loaded or the bundle fails to build).
 *
 * Both run the same source files; the bundle is made from the files on disk when first asked for.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type WorkerEntry =
  | { readonly kind: 'bundle'; readonly code: string }
  | { readonly kind: 'tsx'; readonly reason?: string };

/** The worker through tsx's loader (no build; each worker loads the TypeScript sources itself). */
export const TSX_ENTRY: WorkerEntry = { kind: 'tsx' };

/** The part of esbuild's API used here. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    outputFiles?: { text: string }[];
    warnings: { text: string }[];
  }>;
  /** Ends esbuild's service process (a later build starts another). */
  stop?(): Promise<void> | void;
}

interface OnLoadArgs {
  readonly path: string;
}

interface PluginBuild {
  onLoad(
    filter: { filter: RegExp },
    cb: (args: OnLoadArgs) => Promise<{ contents: string; loader: string } | undefined>,
  ): void;
}

/** esbuild as tsx resolves it (tsx depends on it). */
async function loadEsbuild(): Promise<Esbuild> {
  const require = createRequire(import.meta.url);
  const fromTsx = createRequire(require.resolve('tsx/esm/api'));
  const mod = (await import(pathToFileURL(fromTsx.resolve('esbuild')).href)) as Esbuild & {
    default?: Esbuild;
  };
  return typeof mod.build === 'function' ? mod : (mod.default as Esbuild);
}

const LOADERS: Record<string, string> = { ts: 'ts', mts: 'ts', js: 'js', mjs: 'js' };

/** Replaces `import.meta.url` in our own source files with the file's URL (see the module comment). */
const ownFileUrls = {
  name: 'own-file-urls',
  setup(build: PluginBuild) {
    build.onLoad({ filter: /\.(m?ts|m?js)$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const ext = args.path.slice(args.path.lastIndexOf('.') + 1);
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: LOADERS[ext] ?? 'ts',
      };
    });
  },
};

/** Bundles `score-worker.ts` and everything it imports into one script. */
export async function bundleWorker(): Promise<string> {
  const esbuild = await loadEsbuild();
  let result: Awaited<ReturnType<Esbuild['build']>>;
  try {
    result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL('./score-worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      // A function around the whole: a worker evaluates the script at its global scope, where the
      // bundle's top-level names (TypeBox's `Function`) would replace the globals.
      format: 'iife',
      target: 'node20',
      // As tsx runs the sources (class and function names kept).
      keepNames: true,
      write: false,
      logLevel: 'silent',
      plugins: [ownFileUrls],
    });
  } finally {
    // Built once per process: esbuild's service process is not kept for nothing.
    await esbuild.stop?.();
  }
  const code = result.outputFiles?.[0]?.text;
  if (code === undefined) throw new Error('esbuild wrote no bundle');
  const importMeta = result.warnings.find((w) => w.text.includes('import.meta'));
  // `import.meta` left in the bundle would be empty: a file the plugin did not rewrite.
  if (importMeta !== undefined) throw new Error(`the bundle would lose import.meta: ${importMeta.text}`);
  return code;
}

let cached: Promise<WorkerEntry> | undefined;

/**
 * The entry the workers should use: the bundle, built on the first call and kept for the life of
 * the process, or tsx's loader when it cannot be built (`reason` says why).
 */
export function backtestWorkerEntry(): Promise<WorkerEntry> {
  cached ??= bundleWorker().then(
    (code): WorkerEntry => ({ kind: 'bundle', code }),
    (err: unknown): WorkerEntry => ({
      kind: 'tsx',
      reason: err instanceof Error ? err.message : String(err),
    }),
  );
  return cached;
}
