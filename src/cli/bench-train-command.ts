/**
 * `bitplane bench-train [--replicas 1,8,32,256] [--epochs N] [--samples K] [--quick] [--json] [--no-peer]`:
 * replica-epochs/s of the 12-bit protocol (BNN ste_sign + BN and tanh DNN, batch 256) for the fused and
 * the layered trainer and a PyTorch-CPU peer (scripts/torch-peer.py, batched over replicas) in the same
 * run, and the app's default run (4 replicas, every epoch estimated) in epochs/s. A benchmark, not a
 * test: numbers with the adapter and the machine's load that gave them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type EstimateOverhead,
  measureEstimateOverhead,
  measurePlayground,
  measureTrainRate,
  TRAIN_NETWORKS,
  type TrainNetwork,
  type TrainRate,
} from '../bench/train.ts';
import { REPO_ROOT } from '../data/node-files.ts';
import { acquireGpu, describeAdapter } from '../gpu/device.ts';
import type { Summary } from '../util/stats.ts';
import { summarize } from '../util/stats.ts';

export const BENCH_TRAIN_USAGE = `usage: bitplane bench-train [--replicas 1,8,32,256] [--epochs N] [--samples K] [--quick] [--json] [--no-peer]

  replica-epochs/s of the 12-bit protocol (BNN and tanh DNN, batch 256): fused trainer, layered trainer
  and a PyTorch-CPU peer (python3-torch; skipped with a note when absent), in the same run; then the app's
  default run (4 replicas, the estimate every epoch) in epochs/s; and what the information-plane estimate
  adds to the fused trainer over the 12-bit protocol's IDNN schedule (R ≤ 32)
  --replicas  replica counts (default 1,8,32,256; --quick 1,8,32)
  --epochs    epochs per timed sample (default 5; --quick 2)
  --samples   timed samples per cell, after a warm-up epoch (default 3; --quick 2)
  --layered-max R  skip the layered trainer above R replicas (default 32: it is the slow one)`;

interface PeerRow {
  net: 'bnn' | 'dnn';
  replicas: number;
  rate: Summary;
}

const PEER_NET: Record<TrainNetwork, 'bnn' | 'dnn'> = { 'BNN ste_sign + BN': 'bnn', 'DNN tanh': 'dnn' };

/** The PyTorch peer's rates, or a note saying why there are none. */
function runPeer(net: 'bnn' | 'dnn', replicas: number[], epochs: number, samples: number) {
  const script = join(REPO_ROOT, 'scripts', 'torch-peer.py');
  // Debian's python3-torch lives beside /usr/bin/python3, which a pyenv or venv python3 may shadow.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const args = [script, '--net', net, '--replicas', replicas.join(','), '--epochs', String(epochs)];
  const r = spawnSync(python, [...args, '--samples', String(samples)], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return { note: `PyTorch peer failed: ${r.error?.message ?? r.stderr.trim()}` };
  const rows: PeerRow[] = [];
  for (const line of r.stdout.trim().split('\n')) {
    const o = JSON.parse(line);
    if (o.skipped) return { note: `PyTorch peer skipped: ${o.skipped}` };
    rows.push({ net, replicas: o.replicas, rate: summarize(o.rates) });
  }
  return { rows };
}

const fmt = (s: Summary | undefined) => (s ? `${s.median.toFixed(1)} ±${(s.iqr / 2).toFixed(1)}` : '—');

export async function benchTrainCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        replicas: { type: 'string' },
        epochs: { type: 'string' },
        samples: { type: 'string' },
        'layered-max': { type: 'string' },
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        'no-peer': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${BENCH_TRAIN_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(BENCH_TRAIN_USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const replicas = String(values.replicas ?? (quick ? '1,8,32' : '1,8,32,256'))
    .split(',')
    .map(Number);
  const epochs = Number(values.epochs ?? (quick ? 2 : 5));
  const samples = Number(values.samples ?? (quick ? 2 : 3));
  const layeredMax = Number(values['layered-max'] ?? 32);
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  if (
    !replicas.every((r) => whole(r) && r <= 256) ||
    !whole(epochs) ||
    !whole(samples) ||
    !whole(layeredMax)
  ) {
    console.error(
      `bitplane bench-train: --replicas (1…256 each), --epochs, --samples and --layered-max must be whole numbers ≥ 1\n\n${BENCH_TRAIN_USAGE}`,
    );
    return 2;
  }
  const gpu = await acquireGpu();
  const adapter = describeAdapter(gpu.adapter);
  const log = (s: string) => console.error(s);
  log(`adapter: ${adapter}${gpu.note ? `\nnote: ${gpu.note}` : ''}`);
  const load = loadavg();
  log(
    `load average: ${load.map((x) => x.toFixed(1)).join(' ')} (the machine may be shared: compare within one run)`,
  );
  const rows: TrainRate[] = [];
  const peers: PeerRow[] = [];
  const notes: string[] = [];
  try {
    for (const network of Object.keys(TRAIN_NETWORKS) as TrainNetwork[]) {
      for (const R of replicas) {
        const fused = await measureTrainRate(gpu, network, 'fused', R, epochs, samples);
        rows.push(fused);
        log(`${network}  R=${R}  fused ${fmt(fused.rate)} replica-epochs/s`);
        if (R <= layeredMax) {
          const layered = await measureTrainRate(gpu, network, 'layered', R, epochs, samples);
          rows.push(layered);
          log(`${network}  R=${R}  layered ${fmt(layered.rate)} replica-epochs/s`);
        }
      }
      if (!values['no-peer']) {
        const peer = runPeer(PEER_NET[network], replicas, epochs, samples);
        if (peer.rows) {
          peers.push(...peer.rows);
          for (const p of peer.rows)
            log(`${network}  R=${p.replicas}  PyTorch CPU ${fmt(p.rate)} replica-epochs/s`);
        } else {
          notes.push(peer.note);
          log(peer.note);
        }
      }
    }
    const playground = await measurePlayground(gpu, 'fused', quick ? 3 : 10, samples);
    log(`playground default run (fused, estimate every epoch): ${fmt(playground.epochsPerSecond)} epochs/s`);
    const overheads: EstimateOverhead[] = [];
    for (const R of replicas.filter((r) => r <= 32)) {
      const o = await measureEstimateOverhead(gpu, R, Math.max(5, samples));
      overheads.push(o);
      log(`estimate overhead R=${R}: ${describeOverhead(o)}`);
    }
    const table = renderTable(rows, peers, replicas);
    if (values.json) {
      const out = {
        schema: 'bitplane.bench-train/1',
        adapter: gpu.adapter,
        load,
        rows,
        peers,
        notes,
        playground,
        overheads,
      };
      console.log(JSON.stringify(out, null, 1));
    } else {
      console.log(`adapter: ${adapter}; load average ${load[0].toFixed(1)}\n\n${table}`);
      console.log(
        `\nplayground default run (4 replicas, estimate every epoch, fused): ${fmt(playground.epochsPerSecond)} epochs/s`,
      );
      for (const o of overheads) console.log(`estimate, R = ${o.replicas}: ${describeOverhead(o)}`);
      for (const n of notes) console.log(n);
    }
  } finally {
    gpu.destroy();
  }
  return 0;
}

/** One line: what the information-plane estimate adds over the 12-bit protocol's IDNN schedule. */
export function describeOverhead(o: EstimateOverhead): string {
  return `+${(100 * o.overhead).toFixed(1)} % of the fused training time over the 12-bit protocol (${o.logged} logged epochs of ${o.epochs}; training ${fmt(o.trainMs)} ms/epoch, a logged epoch adds ${fmt(o.loggedMs)} ms)`;
}

/** Markdown: one row per network and R; fused, layered, peer (median ± half the IQR) and fused / peer. */
export function renderTable(rows: TrainRate[], peers: PeerRow[], replicas: number[]): string {
  const lines = [
    '| network | R | fused | layered | PyTorch CPU | fused / PyTorch |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const network of Object.keys(TRAIN_NETWORKS) as TrainNetwork[]) {
    for (const R of replicas) {
      const get = (t: string) =>
        rows.find((r) => r.network === network && r.replicas === R && r.trainer === t)?.rate;
      const peer = peers.find((p) => p.net === PEER_NET[network] && p.replicas === R)?.rate;
      const fused = get('fused');
      const ratio = fused && peer ? `${(fused.median / peer.median).toFixed(2)}×` : '—';
      lines.push(`| ${network} | ${R} | ${fmt(fused)} | ${fmt(get('layered'))} | ${fmt(peer)} | ${ratio} |`);
    }
  }
  return lines.join('\n');
}
