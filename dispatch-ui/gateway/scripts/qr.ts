/**
 * `npm run qr -- --cell ID`: a grid cell's QR code, pointing at its public report form on the
 * gateway (`<base-url>/r/<cellId>`), as PNG or SVG, made with the `qrcode` library. Run with
 * `--help` for usage.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCityPack, loadOrGenerateDefaultPack } from '@fenghuo/city';
import { formUrl, qrPng, qrSvg } from '../src/grid/qr-code.ts';

const USAGE = `Usage: npm run qr -- --cell ID [--format png|svg] [--out FILE] [--base-url URL]

A grid cell's QR code for its public report form (<base-url>/r/<cellId>): residents scan it to
report to the cell's community officer without logging in. Error correction M (15 %), so a
printed code survives some wear.

Options:
  --cell ID           the grid cell (one the city pack GATEWAY_CITY_PACK knows, default "default")
  --format png|svg    image format (default: svg, or the --out file's extension)
  --out FILE          write the image to FILE (default: standard output; a PNG needs --out
                      unless standard output is redirected)
  --base-url URL      the gateway's public address (default: $GATEWAY_PUBLIC_URL or
                      http://127.0.0.1:8080)
  --size PX           PNG width in pixels (default 512)
  -h, --help
`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cell: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'base-url': { type: 'string' },
      size: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const fail = (message: string) => {
    process.stderr.write(`qr: ${message}\n\n${USAGE}`);
    return 2;
  };
  if (values.cell === undefined) return fail('--cell is required');
  const format = values.format ?? (values.out?.toLowerCase().endsWith('.png') ? 'png' : 'svg');
  if (format !== 'png' && format !== 'svg') return fail(`--format must be png or svg, not "${format}"`);
  const size = Number(values.size ?? 512);
  if (!Number.isInteger(size) || size < 64 || size > 4096)
    return fail('--size must be a whole number from 64 to 4096');
  const base = values['base-url'] ?? process.env.GATEWAY_PUBLIC_URL ?? 'http://127.0.0.1:8080';
  const url = formUrl(base, values.cell);
  if (!url) return fail(`--base-url "${base}" is not an http or https URL`);

  const packName = process.env.GATEWAY_CITY_PACK ?? 'default';
  const pack = packName === 'default' ? loadOrGenerateDefaultPack().pack : loadCityPack(packName);
  if (!pack.cells.some((c) => c.id === values.cell)) {
    const some = pack.cells
      .slice(0, 3)
      .map((c) => c.id)
      .join(', ');
    process.stderr.write(`qr: the city pack "${packName}" has no cell "${values.cell}" (e.g. ${some})\n`);
    return 1;
  }

  if (format === 'svg') {
    const svg = await qrSvg(url);
    if (values.out) writeFileSync(values.out, svg);
    else process.stdout.write(svg);
  } else {
    if (!values.out && process.stdout.isTTY)
      return fail('a PNG on a terminal is unreadable: give --out FILE or redirect');
    const png = await qrPng(url, size);
    if (values.out) writeFileSync(values.out, png);
    else process.stdout.write(png);
  }
  if (values.out) process.stderr.write(`qr: ${values.out} (${format}) → ${url.href}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`qr: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
