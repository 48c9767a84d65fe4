// The floors of the code, lowest first: the one table the architecture test (test/architecture.test.ts)
// and `npm run size` (scripts/size.mjs) read, and docs/ARCHITECTURE.md explains. The rule of direction:
// a file imports only from its own floor or from floors below it, and folders never import each other in
// a circle. A kernel family's folder src/kernels/<family>/ spans three floors by file role.

/** @typedef {{ name: string, about: string, match: (path: string) => boolean }} Floor */

const under = (dir) => (p) => p.startsWith(`${dir}/`);
const KERNEL_FILE = /^src\/kernels\/[^/]+\/([^/]+)\.ts$/;
/** A top-level file of src/kernels/ that gathers the families (their registry) sits on the spec floor. */
const KERNEL_REGISTRY = /^src\/kernels\/(index|registry|specs)\.ts$/;
const kernelRole = (p) => KERNEL_FILE.exec(p)?.[1];

/** @type {readonly Floor[]} */
export const FLOORS = [
  { name: 'shaders', about: 'WGSL sources (imported as text); import nothing', match: under('shaders') },
  { name: 'util', about: 'the seeded PRNG, statistics of samples', match: under('src/util') },
  { name: 'data', about: 'datasets: generation, loading, splits', match: under('src/data') },
  {
    name: 'info',
    about:
      'pure information theory: entropies, the KDE formula, layer coding and estimator settings, schedules, phases, the reliability rule',
    match: under('src/info'),
  },
  {
    name: 'ref',
    about: "CPU references: every kernel's executable specification",
    match: (p) => under('src/ref')(p) || kernelRole(p) === 'ref',
  },
  {
    name: 'config',
    about: 'the run configuration: one zod schema, its defaults and types',
    match: under('src/config'),
  },
  { name: 'gpu', about: 'the device, tensors, kernel plumbing, submits', match: under('src/gpu') },
  {
    name: 'kernel',
    about: 'kernel wrappers: src/kernels/<family>/kernel.ts and the families’ shared helpers',
    match: (p) =>
      under('src/kernels')(p) && !KERNEL_REGISTRY.test(p) && !['ref', 'spec'].includes(kernelRole(p)),
  },
  {
    name: 'spec',
    about:
      'kernel specs (inputs, reference, tolerance, benchmark sizes): src/kernels/<family>/spec.ts, and their registry',
    match: (p) => kernelRole(p) === 'spec' || KERNEL_REGISTRY.test(p),
  },
  {
    name: 'nn',
    about: 'networks and trainers, the GPU information-plane estimation',
    match: under('src/nn'),
  },
  { name: 'run', about: 'sessions, records, links, experiments', match: under('src/run') },
  {
    name: 'study',
    about: 'the analysis of records: the pre-registered study statistic and the reproduction report',
    match: under('src/study'),
  },
  {
    name: 'sweep',
    about: 'sweeps: specs expanded into manifests of links, stable ids, the cross-run table',
    match: under('src/sweep'),
  },
  { name: 'bench', about: 'benchmarks of the kernels and the estimator', match: under('src/bench') },
  { name: 'view', about: 'DOM-free view models for the app and the figures', match: under('src/view') },
  { name: 'cli', about: 'the `bitplane` command', match: under('src/cli') },
  { name: 'components', about: 'the Lit app (the only place for lit and uplot)', match: under('components') },
];

/** The index into FLOORS of a repository-relative path, or -1 when no floor holds it. */
export function floorOf(path) {
  return FLOORS.findIndex((f) => f.match(path));
}

/**
 * The unit whose imports may not run in a circle: a file's folder, except that a kernel family's folder
 * counts once per file role (its ref.ts, kernel.ts and spec.ts sit on different floors).
 */
export function unitOf(path) {
  const role = kernelRole(path);
  const dir = path.slice(0, path.lastIndexOf('/'));
  // The registry gathers every family's spec, while the families use the shared helpers beside it:
  // the registry is a unit of its own so that the shared helpers and the families do not form a circle.
  if (KERNEL_REGISTRY.test(path)) return `${dir}:registry`;
  return role === 'ref' || role === 'spec' ? `${dir}:${role}` : dir;
}
