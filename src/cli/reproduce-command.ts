/**
 * `bitplane reproduce [--quick] [--out DIR] [--only IDS] [--jobs N] [--report-only] [--no-figures]`: the
 * options, checked (exit 2 naming the bad one); the work is src/cli/reproduce.ts.
 *
 * Runs the paper's experiments (src/run/experiments.ts) headless, each as its own `bitplane run` child
 * process (so `--jobs` can run several at once on a machine with cores and a GPU to spare, and one
 * experiment's failure cannot take the others down), then writes into DIR:
 *
 *   reproduction/<id>.json   each experiment's result record (bitplane.run/1)
 *   reproduction/<id>.png    its figure: information plane, loss and accuracy, drawn by the app's own
 *                            chart components in headless Chromium (src/cli/figures.ts)
 *   reproduction/run.json    how the records were made: command, adapter, wall time
 *   REPRODUCTION.md          the report (src/study/reproduction-report.ts)
 *
 * Ctrl-C (or SIGINT/SIGTERM) stops every experiment after its epoch in flight; what was computed is kept
 * and the report says which experiments stopped early. `--report-only` rebuilds the figures and the report
 * from the records already in DIR (e.g. records trained on another machine).
 */
import { parseArgs } from 'node:util';
import { EXPERIMENTS, type Experiment } from '../run/experiments.ts';
import { reproduce } from './reproduce.ts';

export const REPRODUCE_USAGE = `usage: bitplane reproduce [options]

  Runs the paper's experiments (Raj et al. 2020: DNNs vs BNNs in the information plane) and writes
  their records, figures and REPRODUCTION.md.
options:
  --quick         the smoke-test version: few epochs and replicas (minutes without a GPU; not evidence)
  --out DIR       where to write (default: docs/, or docs/quick/ with --quick)
  --only IDS      comma-separated experiment ids (default: all; --list shows them)
  --jobs N        experiments run at once, each in its own process (default 1)
  --report-only   no training: redraw the figures and rewrite the report from DIR's records
  --no-figures    no figures (they need Chromium: apt-get install -y chromium)
  --list          list the experiments and their protocols
exit codes: 0 every experiment ran its whole protocol, 1 one failed, did not run or stopped early,
            2 bad options, 130 interrupted`;

export async function reproduceCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        out: { type: 'string' },
        only: { type: 'string' },
        jobs: { type: 'string', default: '1' },
        'report-only': { type: 'boolean' },
        'no-figures': { type: 'boolean' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${REPRODUCE_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(REPRODUCE_USAGE);
    return 0;
  }
  if (values.list) {
    for (const e of EXPERIMENTS) console.log(`${e.id}\n  ${e.protocol}\n  source: ${e.source}\n`);
    return 0;
  }
  const quick = values.quick === true;
  const out = (values.out as string | undefined) ?? (quick ? 'docs/quick' : 'docs');
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`bitplane reproduce: --jobs must be a whole number ≥ 1, got "${values.jobs}"`);
    return 2;
  }
  let only: Experiment[] | undefined;
  if (typeof values.only === 'string') {
    const ids = values.only.split(',').filter(Boolean);
    const unknown = ids.filter((id) => !EXPERIMENTS.some((e) => e.id === id));
    if (unknown.length || !ids.length) {
      console.error(
        `bitplane reproduce: unknown experiment(s) ${unknown.join(', ') || '(none given)'}; ` +
          `known: ${EXPERIMENTS.map((e) => e.id).join(', ')}`,
      );
      return 2;
    }
    only = EXPERIMENTS.filter((e) => ids.includes(e.id));
  }
  return reproduce({
    quick,
    out,
    only,
    jobs,
    reportOnly: values['report-only'] === true,
    figures: values['no-figures'] !== true,
    command: `npx bitplane reproduce ${argv.join(' ')}`.trim(),
  });
}
