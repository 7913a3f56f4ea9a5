import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from './console-static.ts';

const SECRET = 'SECRET-BESIDE-THE-CONSOLE';
let dir: string;
let server: Server;
let port: number;

/** A raw GET: the path goes on the wire as written (fetch would resolve its dot segments first). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fh-console-static-'));
  mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'dist', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  const app = express();
  app.use(consoleRoutes(join(dir, 'dist')));
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('console static files', () => {
  it('serves the console and its index for the console routes', async () => {
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
    expect((await get('/officer/orders')).body).toContain('<title>console</title>');
  });

  it('never serves a file outside the console directory, however the path climbs', async () => {
    const climb = fc.constantFrom(
      '..',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '%2e.',
      '%252e%252e',
      '..%2f..',
      '..%5c..',
      '...',
      '.',
    );
    const sep = fc.constantFrom('/', '%2f', '%2F', '%5c', '\\', '//');
    const path = fc
      .tuple(
        fc.constantFrom('', '/assets', '/officer'),
        fc.array(fc.tuple(sep, climb), { minLength: 1, maxLength: 6 }),
        sep,
        fc.constantFrom('secret.txt', 'secret.txt%00.js', 'secret.txt%00', 'secret%2etxt'),
      )
      .map(
        ([start, steps, last, file]) => `${start}${steps.map(([s, c]) => `${s}${c}`).join('')}${last}${file}`,
      )
      .filter((p) => p.startsWith('/'));
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        const res = await get(p);
        expect(res.body, `${p} → ${res.status}`).not.toContain(SECRET);
        expect([200, 400, 403, 404], `${p} → ${res.status}`).toContain(res.status);
      }),
      { numRuns: 500 },
    );
    // The plainest climbs, spelled out.
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
    ])
      expect((await get(p)).body).not.toContain(SECRET);
  });
});
