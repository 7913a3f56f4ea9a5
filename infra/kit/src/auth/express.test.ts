import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireUser } from './express.ts';
import { AuthTokens } from './tokens.ts';

const tokens = new AuthTokens({ secret: new TextEncoder().encode('k'.repeat(40)) });
let server: Server;
let base: string;
const refused: string[] = [];

beforeAll(async () => {
  const app = express();
  app.get(
    '/rules',
    requireUser(tokens, { roles: ['analyst', 'admin'], onRefused: (err) => refused.push(err.code) }),
    (req, res) => {
      res.json({ user: req.user });
    },
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('requireUser', () => {
  it('lets a valid token of an allowed role through with req.user', async () => {
    const { token } = await tokens.issue({ username: 'zhao.min', role: 'analyst' });
    const res = await fetch(`${base}/rules`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { username: 'zhao.min', role: 'analyst' } });
  });

  it('answers 401 ApiError without a valid token, 403 for another role', async () => {
    const none = await fetch(`${base}/rules`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const forged = await fetch(`${base}/rules`, { headers: { authorization: 'Bearer a.b.c' } });
    expect(forged.status).toBe(401);

    const { token } = await tokens.issue({ username: 'li.na', role: 'operator' });
    const operator = await fetch(`${base}/rules`, { headers: { authorization: `Bearer ${token}` } });
    expect(operator.status).toBe(403);
    expect(((await operator.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(refused).toEqual(['unauthorized', 'unauthorized', 'forbidden']);
  });
});
