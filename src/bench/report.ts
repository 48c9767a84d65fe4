/**
 * The benchmark's record as text: a Markdown table (the CLI prints it, the page copies it, the README
 * carries it), padded so it also reads as a plain-text table.
 */
import { type BenchRecord, fmtNs, type Measurement } from './harness.ts';

const num = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 0.01) return x.toPrecision(digits);
  return x.toExponential(2);
};
const ratio = (x: number | null): string => (x === null ? '' : `${num(x)}×`);

export const TABLE_COLUMNS = [
  'kernel',
  'version',
  'size',
  'median ms',
  'IQR ms',
  'GOPS',
  'vs tfjs',
  'vs f32 GEMM',
  'vs JS ref',
  'timer',
] as const;

export function measurementCells(m: Measurement): string[] {
  return [
    m.kernel,
    m.version,
    m.dims,
    num(m.median_ms),
    num(m.iqr_ms, 2),
    `${num(m.gops)} G${m.unit}/s`,
    ratio(m.vs_tfjs),
    ratio(m.vs_f32_gemm),
    ratio(m.vs_cpu),
    m.timer === 'gpu-timestamp'
      ? `gpu ×${m.iterations}`
      : m.timer === 'wall'
        ? `wall ×${m.iterations}`
        : 'cpu',
  ];
}

function table(header: readonly string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** One line per fact above the table: adapter, timer, peers. */
export function recordHeader(r: BenchRecord): string[] {
  const timer =
    r.timer.kind === 'gpu-timestamp'
      ? `GPU timestamps (observed granularity ${r.timer.resolution_ns === null ? 'n/a' : fmtNs(r.timer.resolution_ns)})`
      : 'submit-to-done wall time (no timestamp-query)';
  return [
    `Adapter: ${r.adapter.name}${r.adapter.software ? ' (software)' : ''}, ${r.adapter.runtime === 'node' ? 'Node (Dawn)' : 'browser'}`,
    `Timer: ${timer}; median and IQR over ${r.settings.spans} spans, per iteration`,
    ...Object.entries(r.peers).map(([k, v]) => `Peer ${k}: ${v}`),
  ];
}

export function benchMarkdown(r: BenchRecord): string {
  const out = recordHeader(r).map((l) => `${l}  `);
  out.push(
    '',
    'GOPS: 10^9 units of work per second; GEMMs count multiply-accumulates (M·N·K, one per bit for XNOR), ' +
      'the others elements. Ratios: work per second over the peer at the same size (>1 = faster), ' +
      'computed from the median column, each row on its own timer (the timer column: gpu, wall or cpu).',
    '',
    table(TABLE_COLUMNS, r.measurements.map(measurementCells)),
  );
  if (r.failures.length) {
    out.push('', 'Output did not match the CPU reference (not timed):');
    for (const f of r.failures) out.push(`- ${f.kernel} ${f.version} ${f.size}: ${f.reason}`);
  }
  if (r.skipped.length) {
    out.push('', 'Skipped:');
    for (const s of r.skipped) out.push(`- ${s.kernel} ${s.version} ${s.size}: ${s.reason}`);
  }
  for (const n of r.notes) out.push('', n);
  return `${out.join('\n')}\n`;
}
