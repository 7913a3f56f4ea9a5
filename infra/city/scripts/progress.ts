/** A one-line progress bar on stderr (redrawn in place on a TTY, every 10 % otherwise). */
export function progressBar(label: string): (done: number, total: number) => void {
  let lastPct = -1;
  return (done, total) => {
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    if (pct === lastPct) return;
    if (!process.stderr.isTTY && pct % 10 !== 0 && pct !== 100) return;
    lastPct = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const mb = (n: number) => (n / 1048576).toFixed(1);
    const line = `${label} [${bar}] ${String(pct).padStart(3)}% ${mb(done)}/${mb(total)} MB`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${pct === 100 ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}
