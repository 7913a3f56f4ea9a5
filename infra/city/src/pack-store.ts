/** Where packs live on disk and how the default one comes into being. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, generateCity } from './generate.js';
import { CITY_PACK_VERSION, type CityPack } from './pack.js';
import { CityPackError, PACK_FILES, packVersion, readCityPack, writeCityPack } from './pack-format.js';

/** Repository root (three levels above this file: infra/city/src). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Default folder for packs: `<repo>/.local/city` (git-ignored). */
export const DEFAULT_PACKS_DIR = join(REPO_ROOT, '.local', 'city');

export const DEFAULT_PACK_NAME = 'default';

export function packDir(name: string, root = DEFAULT_PACKS_DIR): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new Error(`invalid pack name ${JSON.stringify(name)}: use letters, digits, . _ -`);
  return join(root, name);
}

export function packExists(dir: string): boolean {
  return existsSync(join(dir, PACK_FILES.manifest));
}

/** Loads a pack by name from the packs folder. */
export function loadCityPack(name: string, root = DEFAULT_PACKS_DIR): CityPack {
  return readCityPack(packDir(name, root));
}

export interface DefaultPackResult {
  pack: CityPack;
  dir: string;
  /** True when the pack was generated (and written) by this call. */
  generated: boolean;
  /** Why it was generated: `missing`, or why the cached copy could not be used. */
  reason?: string;
}

/**
 * Loads `.local/city/default`, generating and writing it first when it is missing, was written by
 * another pack version (a cache from an older build), or cannot be read. The default pack depends
 * only on {@link DEFAULT_SEED}, so every machine gets the same city, and regenerating it is safe.
 */
export function loadOrGenerateDefaultPack(root = DEFAULT_PACKS_DIR): DefaultPackResult {
  const dir = packDir(DEFAULT_PACK_NAME, root);
  let reason = 'missing';
  if (packExists(dir)) {
    const version = packVersion(dir);
    if (version === CITY_PACK_VERSION) {
      try {
        return { pack: readCityPack(dir), dir, generated: false };
      } catch (err) {
        if (!(err instanceof CityPackError)) throw err;
        reason = `unreadable (${err.message})`;
      }
    } else {
      reason = `stale (pack version ${String(version)}, this build writes ${CITY_PACK_VERSION})`;
    }
  }
  const pack = generateCity({ name: DEFAULT_PACK_NAME, seed: DEFAULT_SEED });
  writeCityPack(pack, dir);
  return { pack, dir, generated: true, reason };
}
