#!/usr/bin/env node
// Soak test, outside the default suite (`npm run bench:soak`; a short version with arguments):
//
//   node scripts/soak.mjs [--epochs 10000] [--sessions 100]
//
// 1. One session trains --epochs epochs of a small configuration (the 'idnn' log schedule, so the record
//    itself grows only by its few logged epochs); the host memory (RSS, and the JS heap after a forced
//    GC when node runs with --expose-gc) is sampled every 2 % of the run. Flat means: the mean of the
//    last quarter of samples exceeds the mean of the second quarter (after warm-up) by less than
//    --rss-slack MiB (default 32).
// 2. --sessions sessions are created, started, trained one epoch and disposed on one device. The GPU
//    memory in use is counted exactly: every GPUBuffer the device creates is tracked with its size until
//    it is destroyed. Flat means: after each dispose the live bytes return to what they were before the
//    first session (no buffer outlives its session); the RSS is reported too.
// Exit code 0 when both are flat, 1 otherwise; the numbers go to stdout as JSON lines. With SOAK_TRACE=1
// the creation sites (label, size, stack) of the buffers still alive after the last session go to stderr.
import { parseArgs } from 'node:util';
import { withSources } from './module-runner.mjs';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.NODEVICE_SELECT ??= '1';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10000' },
    sessions: { type: 'string', default: '100' },
    'rss-slack': { type: 'string', default: '32' },
  },
});
const epochs = Number(values.epochs);
const sessions = Number(values.sessions);
const slackMiB = Number(values['rss-slack']);
if (![epochs, sessions, slackMiB].every((n) => Number.isInteger(n) && n >= 1)) {
  console.error('soak: --epochs, --sessions and --rss-slack are whole numbers ≥ 1');
  process.exit(2);
}

const MiB = 2 ** 20;
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const memory = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
};

/** Counts the bytes of live GPU buffers: every createBuffer until its destroy. */
function trackBuffers(device) {
  const live = new Map();
  const create = device.createBuffer.bind(device);
  device.createBuffer = (desc) => {
    const buf = create(desc);
    live.set(buf, desc.size);
    if (process.env.SOAK_TRACE)
      buf.__trace = `${desc.label ?? ''} ${desc.size} ${new Error().stack.split('\n').slice(2, 7).join(' <')}`;
    const destroy = buf.destroy.bind(buf);
    buf.destroy = () => {
      live.delete(buf);
      destroy();
    };
    return buf;
  };
  globalThis.__soakLive = live;
  return () => {
    let bytes = 0;
    for (const b of live.values()) bytes += b;
    return { buffers: live.size, bytes };
  };
}

const code = await withSources(async (load) => {
  const { acquireGpu } = await load('/src/gpu/device.ts');
  const { parseLink } = await load('/src/run/link.ts');
  const { TrainingSession } = await load('/src/run/session.ts');
  const gpu = await acquireGpu();
  const liveGpu = trackBuffers(gpu.device);
  const config = (link) => {
    const { config, issues } = parseLink(link);
    if (issues.length) throw new Error(issues.map((i) => `${i.key}: ${i.message}`).join('; '));
    return config;
  };
  let ok = true;

  // 1. A long run on one session: host memory flat.
  const long = config(
    `v=1&data=xor&samples=200&net=8-float-tanh,4-float-tanh&batch=50&replicas=2&epochs=${epochs}&log=idnn`,
  );
  const samples = [];
  const every = Math.max(1, Math.floor(epochs / 50));
  const t0 = performance.now();
  const s = await TrainingSession.create(gpu, long);
  await s.start();
  while (!s.done) {
    const { epoch } = await s.next();
    if (epoch % every === 0) samples.push({ epoch, ...memory() });
  }
  const status = s.record.status;
  s.dispose();
  const q = Math.floor(samples.length / 4);
  const early = mean(samples.slice(q, 2 * q).map((x) => x.rss));
  const late = mean(samples.slice(3 * q).map((x) => x.rss));
  const flatHost = status === 'complete' && late - early < slackMiB;
  ok &&= flatHost;
  console.log(
    JSON.stringify({
      part: 'epochs',
      epochs,
      status,
      seconds: Math.round((performance.now() - t0) / 1000),
      rss_mib: {
        first: samples[0]?.rss,
        second_quarter_mean: early,
        last_quarter_mean: late,
        last: samples.at(-1)?.rss,
      },
      heap_mib: { first: samples[0]?.heap, last: samples.at(-1)?.heap },
      growth_mib: late - early,
      slack_mib: slackMiB,
      flat: flatHost,
    }),
  );

  // 2. Sessions created and disposed on one device: GPU memory flat.
  const small = config(
    'v=1&data=xor&samples=100&net=16-bin-bn-ste_sign,4-float-tanh&batch=25&replicas=2&epochs=1',
  );
  const before = liveGpu();
  const rss0 = memory().rss;
  let leaked = 0;
  let peak = 0;
  for (let i = 0; i < sessions; i++) {
    const t = await TrainingSession.create(gpu, small);
    await t.start();
    await t.next();
    peak = Math.max(peak, liveGpu().bytes);
    t.dispose();
    const after = liveGpu();
    if (after.bytes > before.bytes) leaked = Math.max(leaked, after.bytes - before.bytes);
  }
  const end = liveGpu();
  if (process.env.SOAK_TRACE) {
    const counts = new Map();
    for (const b of globalThis.__soakLive.keys()) counts.set(b.__trace, (counts.get(b.__trace) ?? 0) + 1);
    for (const [t, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.error(n, t);
  }
  const flatGpu = leaked === 0 && end.bytes === before.bytes;
  ok &&= flatGpu;
  console.log(
    JSON.stringify({
      part: 'sessions',
      sessions,
      gpu_live_bytes: { before: before.bytes, peak_during: peak, after: end.bytes, worst_leak: leaked },
      gpu_live_buffers: { before: before.buffers, after: end.buffers },
      rss_mib: { before: rss0, after: memory().rss },
      flat: flatGpu,
    }),
  );
  gpu.destroy();
  return ok ? 0 : 1;
});
process.exit(code);
