/**
 * A backtest pool's worker thread (see `pool.ts`): one {@link BacktestRun} over the streams the pool
 * gives it. Raw Kafka records arrive as one buffer per batch (values end to end, with their ends and
 * offsets) and are decoded here with the contract's codec, as the in-process source decodes them
 * (records that do not decode went to the dead-letter topic live, and are skipped). Messages are
 * handled one at a time, in the order sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Codecs } from '@fenghuo/contracts';
import { compileRuleSet } from '@fenghuo/engine';
import { BacktestRun, type RecordedIndicator } from './runner.ts';
import type { ToPool, ToWorker, WorkerInit } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('score-worker.ts runs as a worker thread of the backtest pool');
const init = workerData as WorkerInit;
const run = new BacktestRun({
  candidate: { rules: compileRuleSet(init.candidate), label: init.candidateLabel },
  baseline: { rules: compileRuleSet(init.baseline), label: init.baselineLabel },
  labels: init.labels,
  keepRevisions: init.keepRevisions,
});

/** The indicators of one raw batch; a value of length 0 stands for a record without one. */
function decodeRecords(msg: ToWorker & { type: 'records' }): RecordedIndicator[] {
  const out: RecordedIndicator[] = [];
  const { data, ends, offsets, stream } = msg;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    if (end > start) {
      const d = Codecs.FraudIndicator.decode(data.subarray(start, end));
      if (d.ok) out.push({ event: d.value, position: { stream, seq: String(offsets[i]) } });
    }
    start = end;
  }
  return out;
}

async function handle(msg: ToWorker): Promise<ToPool> {
  switch (msg.type) {
    case 'records': {
      const batch = decodeRecords(msg);
      await run.score(batch);
      return { type: 'scored', id: msg.id, events: batch.length };
    }
    case 'events':
      await run.score(msg.batch);
      return { type: 'scored', id: msg.id, events: msg.batch.length };
    case 'finish':
      return { type: 'finished', id: msg.id, part: run.finishPart() };
  }
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  chain = chain.then(async () => {
    let reply: ToPool;
    try {
      reply = await handle(msg);
    } catch (err) {
      reply = {
        type: 'failed',
        id: msg.id,
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      };
    }
    port.postMessage(reply);
  });
});
port.postMessage({ type: 'ready', id: 0 } satisfies ToPool);
