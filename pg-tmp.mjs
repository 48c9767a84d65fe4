import { withSources } from '/work/main/scripts/module-runner.mjs';
process.env.NODEVICE_SELECT ??= '1';
await withSources(async (load) => {
  const { acquireGpu } = await load('/src/gpu/device.ts');
  const { parseConfig } = await load('/src/config/run-config.ts');
  const { parseLink } = await load('/src/run/link.ts');
  const { prepareRun } = await load('/src/run/prepare.ts');
  const { FusedTrainer } = await load('/src/nn/fused-trainer.ts');
  const gpu = await acquireGpu();
  const link = process.argv[2] ?? 'v=1';
  const config = parseConfig(parseLink(link).config);
  console.log('R', config.replicas, 'estimator', JSON.stringify(config.estimator));
  const p = await prepareRun(config);
  const t = await FusedTrainer.create(gpu, p.plan, config, p.data, p.params);
  let e = 1;
  const time = async (label, fn, n = 20) => {
    await fn(); const t0 = performance.now(); for (let i = 0; i < n; i++) await fn();
    console.log(label, ((performance.now() - t0) / n).toFixed(1), 'ms');
  };
  await time('train only', () => t.trainEpoch(e++, false));
  await time('train+eval', () => t.trainEpoch(e++));
  await t.enableEstimation(config.estimator, config.estimator.set);
  await time('train+eval+estimate', () => t.trainEpoch(e++));
  await time('eval+estimate only', () => t.layered.evaluate(true));
  t.destroy();
  return 0;
});
process.exit(0);
