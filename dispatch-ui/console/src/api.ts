/**
 * HTTP to the gateway, the console's only server: login and token refresh, the city's layers, and
 * the rules service behind `/api/rules`. Same origin, so nothing here names a host.
 */
import type { ErrorBody, LoginResponse } from '@fenghuo/contracts';

/** A refused or failed request, with the gateway's error body. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
  get code(): string {
    return this.body?.code ?? (this.status === 0 ? 'unavailable' : `http_${this.status}`);
  }
}

async function call<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new RequestError(0, undefined);
  }
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (!res.ok) throw new RequestError(res.status, (parsed as { error?: ErrorBody } | undefined)?.error);
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function login(username: string, password: string): Promise<LoginResponse> {
  return call<LoginResponse>('POST', '/api/auth/login', undefined, { username, password });
}

const STORE_KEY = 'fenghuo.session';

/** A signed-in person: their token (refreshed before it expires) and identity. */
export class Session {
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly renewed = new Set<(token: string) => void>();

  constructor(private current: LoginResponse) {
    this.save();
    this.scheduleRenew();
  }

  /** The session kept in this tab (a reload stays signed in while the token is valid). */
  static restore(): Session | undefined {
    try {
      const raw = sessionStorage.getItem(STORE_KEY);
      if (!raw) return undefined;
      const saved = JSON.parse(raw) as LoginResponse;
      if (Date.parse(saved.expiresAt) - Date.now() < 30_000) return undefined;
      return new Session(saved);
    } catch {
      return undefined;
    }
  }

  get token(): string {
    return this.current.token;
  }
  get user(): LoginResponse['user'] {
    return this.current.user;
  }

  /** Called with each new token (the socket renews itself with it). */
  onRenew(listener: (token: string) => void): void {
    this.renewed.add(listener);
  }

  private save(): void {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(this.current));
    } catch {
      // Not kept across reloads; still signed in now.
    }
  }

  private scheduleRenew(): void {
    clearTimeout(this.renewTimer);
    const ms = Math.max(5_000, Date.parse(this.current.expiresAt) - Date.now() - 120_000);
    this.renewTimer = setTimeout(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    try {
      this.current = await call<LoginResponse>('POST', '/api/auth/refresh', this.current.token);
      this.save();
      for (const l of this.renewed) l(this.current.token);
    } catch {
      // Offline or refused: try again shortly; the socket keeps its grace period meanwhile.
      this.renewTimer = setTimeout(() => void this.renew(), 15_000);
      return;
    }
    this.scheduleRenew();
  }

  get<T>(path: string): Promise<T> {
    return call<T>('GET', path, this.current.token);
  }

  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return call<T>(method, path, this.current.token, body);
  }

  end(): void {
    clearTimeout(this.renewTimer);
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {
      // Nothing kept.
    }
  }
}
