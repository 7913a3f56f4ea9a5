/**
 * Headless Chromium for the browser tests and bench:console: Debian's `chromium`
 * (`infra/scripts/ensure-chromium.sh` installs it), driven by playwright-core through
 * `executablePath`, no browser download. Every page records the requests it makes outside the
 * gateway's origin, so a test can fail on any.
 *
 * WebGL is rendered in software. Two renderers, picked by `FENGHUO_WEBGL`:
 * - `lavapipe` (the default when Mesa's Vulkan driver is installed: Debian `mesa-vulkan-drivers`,
 *   which ensure-chromium.sh installs): ANGLE on Vulkan on Mesa's llvmpipe. Faster than
 *   SwiftShader (four times on maplibre drawing points alone, a little on the whole console: see
 *   dispatch-ui/console/README.md). Chromium
 *   refuses a WebGL2 context on it unless its driver-bug workarounds are off, hence
 *   `--disable-gpu-driver-bug-workarounds`.
 * - `swiftshader`: Chromium's own software Vulkan, which recent versions enable only with
 *   `--enable-unsafe-swiftshader`.
 * `launch()` checks that the chosen renderer gives a WebGL2 context (maplibre needs one) and falls
 * back to SwiftShader, saying so, when lavapipe does not.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './stack.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO_ROOT, 'test-results');

const COMMON_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SWIFTSHADER_ARGS = [...COMMON_ARGS, '--disable-gpu', '--enable-unsafe-swiftshader'];

export const LAVAPIPE_ARGS = [
  ...COMMON_ARGS,
  '--use-angle=vulkan',
  '--enable-features=Vulkan',
  '--ignore-gpu-blocklist',
  '--disable-gpu-driver-bug-workarounds',
  // Only used if the Vulkan context fails after all: SwiftShader rather than no WebGL.
  '--enable-unsafe-swiftshader',
];

export type WebglRenderer = 'lavapipe' | 'swiftshader';

const VULKAN_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

/** Mesa's lavapipe Vulkan driver manifest (`lvp_icd.<arch>.json`), if installed. */
export function lavapipeIcd(): string | undefined {
  for (const dir of VULKAN_ICD_DIRS) {
    if (!existsSync(dir)) continue;
    const file = readdirSync(dir).find((f) => f.startsWith('lvp_icd') && f.endsWith('.json'));
    if (file) return join(dir, file);
  }
  return undefined;
}

function wantedRenderer(): WebglRenderer {
  const asked = process.env.FENGHUO_WEBGL;
  if (asked === 'swiftshader' || asked === 'lavapipe') return asked;
  if (asked) throw new Error(`FENGHUO_WEBGL=${asked}: expected lavapipe or swiftshader`);
  return lavapipeIcd() ? 'lavapipe' : 'swiftshader';
}

/** The WebGL2 renderer string a page of `browser` gets, or undefined when it gets no WebGL2. */
export async function webgl2Renderer(browser: Browser): Promise<string | undefined> {
  const page = await browser.newPage();
  try {
    return (await page.evaluate(`(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return undefined;
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    })()`)) as string | undefined;
  } finally {
    await page.close();
  }
}

let launched = '';

/** The WebGL2 renderer of the last `launch()`, for benches and test logs to print. */
export function launchedRenderer(): string {
  return launched;
}

/**
 * Launches headless Chromium with the renderer above; `extraArgs` go after the renderer's flags
 * (bench:console passes the unthrottled-frame flags with BENCH_VSYNC=off).
 */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run infra/scripts/ensure-chromium.sh (npm run test:e2e does)`);
  }
  const wanted = wantedRenderer();
  if (wanted === 'lavapipe') {
    const icd = lavapipeIcd();
    if (!icd)
      throw new Error('FENGHUO_WEBGL=lavapipe but no lvp_icd*.json: apt-get install mesa-vulkan-drivers');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...LAVAPIPE_ARGS, ...extraArgs],
      headless: true,
      env: { ...process.env, VK_ICD_FILENAMES: icd },
    });
    const renderer = await webgl2Renderer(browser);
    if (renderer?.includes('llvmpipe')) {
      launched = renderer;
      return browser;
    }
    await browser.close();
    console.warn(`[browser] lavapipe gave no WebGL2 context (${renderer ?? 'none'}); using SwiftShader`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...SWIFTSHADER_ARGS, ...extraArgs],
    headless: true,
  });
  launched = (await webgl2Renderer(browser)) ?? 'no WebGL2';
  return browser;
}

export interface WatchedPage {
  readonly page: Page;
  /** URLs the page requested outside `origin` (data: and blob: URLs are the page's own). */
  readonly foreign: string[];
  /** Uncaught errors and console errors of the page. */
  readonly errors: string[];
}

export async function openPage(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
  opts: { mobile?: boolean } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    isMobile: opts.mobile ?? false,
    hasTouch: opts.mobile ?? false,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.grantPermissions(['notifications'], { origin });
  const page = await context.newPage();
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return { page, foreign, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Logs in through the login page and waits for the role's view. */
export async function logIn(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.waitForSelector('main.view', { timeout: 60_000 });
}
