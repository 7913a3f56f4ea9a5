/**
 * Where the engine finds the text models a rule set names: `<id>.v<version>.json` in the
 * deployment's model folders (first match wins), then in the engine's own folder of built-in
 * models. A file is read once and checked against the rule set's SHA-256 on every use, so a rule
 * set never runs with a model other than the one it names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TextModelRef } from '@fenghuo/contracts';
import { TextModelError } from '../errors.ts';
import { TextModel } from './text-model.ts';

/** The engine's folder of built-in model files. */
export const BUILTIN_MODEL_DIR = fileURLToPath(new URL('./models/', import.meta.url));

/** The built-in model the built-in rule pack uses: id, version and SHA-256 (written by the training script). */
export const BUILTIN_TEXT_MODEL: TextModelRef = JSON.parse(
  readFileSync(new URL('./models/builtin-model.json', import.meta.url), 'utf8'),
) as TextModelRef;

/** File name of a model version. */
export function modelFileName(id: string, version: number): string {
  return `${id}.v${version}.json`;
}

/** Resolves a rule set's model references to loaded, checked models. */
export interface TextModelResolver {
  /** The model the reference names; throws {@link TextModelError} when it is absent or differs. */
  resolve(ref: TextModelRef): TextModel;
}

export class TextModelRegistry implements TextModelResolver {
  private readonly dirs: readonly string[];
  private readonly loaded = new Map<string, TextModel>();

  /**
   * @param dirs - deployment model folders, searched before the built-in folder.
   */
  constructor(dirs: readonly string[] = []) {
    this.dirs = [...dirs.map((d) => resolve(d)), BUILTIN_MODEL_DIR];
  }

  /** Adds an already loaded model (tests, tools); it wins over files. */
  add(model: TextModel): this {
    this.loaded.set(`${model.id}@${model.version}`, model);
    return this;
  }

  resolve(ref: TextModelRef): TextModel {
    const key = `${ref.id}@${ref.version}`;
    let model = this.loaded.get(key);
    if (model === undefined) {
      const name = modelFileName(ref.id, ref.version);
      const path = this.dirs.map((d) => resolve(d, name)).find((p) => existsSync(p));
      if (path === undefined) {
        throw new TextModelError(`text model ${name} not found in ${this.dirs.join(', ')}`);
      }
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new TextModelError(`text model ${path} unreadable: ${(err as Error).message}`, { cause: err });
      }
      model = TextModel.fromText(text, path);
      this.loaded.set(key, model);
    }
    model.assertIs(ref);
    return model;
  }
}

/** One registry of the built-in models, shared by everything that does not configure folders. */
export const builtinTextModels = new TextModelRegistry();

/** Reads a model file from a path (tools and tests). */
export function loadTextModel(path: string): TextModel {
  return TextModel.fromText(readFileSync(path, 'utf8'), path);
}
