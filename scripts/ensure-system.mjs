#!/usr/bin/env node
// Makes sure the system tools the tests need are present before `npm test` runs them:
//   - a Chromium for the end-to-end tests (Debian's `chromium`, /usr/bin/chromium, or $BITPLANE_CHROMIUM);
//   - on Linux, the Vulkan loader (`libvulkan1`) that Dawn opens, and the SwiftShader Vulkan driver that
//     Debian's Chromium ships (used when the machine has no GPU);
//   - on Linux, the engines the sweep tests run on (test/sweep-engines.test.ts): GNU `parallel`, and
//     `slurm-wlm` with `munge` (the test starts its own single-node Slurm as root; nothing is started here).
// As root on Debian/Ubuntu it installs what is missing with apt-get; otherwise it prints the exact
// command and exits with status 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const chromium = process.env.BITPLANE_CHROMIUM ?? '/usr/bin/chromium';

function hasVulkanLoader() {
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes('libvulkan.so.1');
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some(
      existsSync,
    );
  }
}

const missing = [];
if (!existsSync(chromium)) missing.push('chromium');
if (process.platform === 'linux') {
  if (!hasVulkanLoader()) missing.push('libvulkan1');
  if (!existsSync(SWIFTSHADER_ICD) && !missing.includes('chromium')) missing.push('chromium-common');
  if (!existsSync('/usr/bin/parallel')) missing.push('parallel');
  if (!['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch'].every(existsSync))
    missing.push('slurm-wlm');
  if (!['/usr/sbin/munged', '/usr/sbin/mungekey'].every(existsSync)) missing.push('munge');
}

if (missing.length === 0) process.exit(0);

const command = `apt-get install -y ${missing.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = process.platform === 'linux' && existsSync('/usr/bin/apt-get');

if (process.platform !== 'linux') {
  console.error(
    `bitplane tests need Chromium or Chrome (with WebGPU) for the end-to-end tests; none at ${chromium}.\n` +
      'Install Chrome or Chromium and set BITPLANE_CHROMIUM to its executable, then run npm test again.',
  );
  process.exit(1);
}
if (!hasApt) {
  console.error(
    `bitplane tests need: Chromium (at ${chromium} or $BITPLANE_CHROMIUM), the Vulkan loader (libvulkan.so.1), ` +
      'without a GPU a Vulkan software driver such as SwiftShader, and GNU parallel, Slurm (slurmctld, slurmd, ' +
      'sbatch) and MUNGE for the sweep tests. Install them with your package manager.',
  );
  process.exit(1);
}
if (!isRoot) {
  console.error(
    `bitplane tests need system packages that are missing: ${missing.join(', ')}.\nRun:\n  sudo apt-get update && sudo ${command}\nthen npm test again.`,
  );
  process.exit(1);
}

console.error(`Installing what the tests need: ${missing.join(', ')} (apt-get, about a minute)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...missing],
]) {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) {
    console.error(
      `apt-get ${args.join(' ')} failed (status ${r.status}). Run it by hand: apt-get update && ${command}`,
    );
    process.exit(1);
  }
}
console.error('Installed.');
