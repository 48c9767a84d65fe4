/**
 * A throwaway single-node Slurm for tests (Debian's slurm-wlm and munge, started as root without systemd):
 * its own munge key and socket, its own slurm.conf (SLURM_CONF), free ports, and state, spool, log and
 * pid files, all under one temporary directory. It never touches a munged or Slurm the machine already
 * runs: those use the default socket, configuration and ports. `stop()` ends the daemons it started, by
 * PID and in order (slurmd, slurmctld, munged), and removes the directory; call it in a finally.
 *
 * `startSlurm` throws an Error whose message is the reason when Slurm cannot start (not root, a
 * missing binary, a daemon that exits), with the end of the daemon's log.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

export interface LocalSlurm {
  /** Environment for sbatch, sinfo, … (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

const BINARIES = [
  '/usr/sbin/munged',
  '/usr/sbin/mungekey',
  '/usr/sbin/slurmctld',
  '/usr/sbin/slurmd',
  '/usr/bin/sbatch',
  '/usr/bin/sinfo',
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForPid(pidFile: string, log: string, what: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0 && alive(pid)) return pid;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not start (no live pid in ${pidFile}); its log:\n${tail(log)}`);
}

export async function startSlurm(): Promise<LocalSlurm> {
  if (process.getuid?.() !== 0)
    throw new Error('starting a test Slurm needs root (munged runs as user munge, slurmd as root)');
  const missing = BINARIES.filter((b) => !existsSync(b));
  if (missing.length)
    throw new Error(
      `missing ${missing.join(', ')}: apt-get install -y slurm-wlm munge (scripts/ensure-system.mjs)`,
    );
  const munge = spawnSync('id', ['-u', 'munge'], { encoding: 'utf8' });
  if (munge.status !== 0) throw new Error('there is no user "munge": apt-get install -y munge');
  const mungeUid = Number(munge.stdout.trim());
  const mungeGid = Number(execFileSync('id', ['-g', 'munge'], { encoding: 'utf8' }).trim());

  const dir = mkdtempSync(join(tmpdir(), 'bitplane-slurm-'));
  chmodSync(dir, 0o755); // munged insists that every directory above its socket is searchable by all
  const pids: { name: string; pid: number }[] = [];
  const stop = async () => {
    // Reverse order of start: slurmd, slurmctld, munged. SIGTERM, then SIGKILL after 5 s.
    for (const { pid } of [...pids].reverse()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    pids.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // munge: key and log in a private directory, the socket in one that all can search.
    const mungeEtc = join(dir, 'munge-etc');
    const mungeRun = join(dir, 'munge-run');
    mkdirSync(mungeEtc, { mode: 0o700 });
    mkdirSync(mungeRun, { mode: 0o755 });
    const key = join(mungeEtc, 'munge.key');
    execFileSync('/usr/sbin/mungekey', ['--create', `--keyfile=${key}`]);
    for (const p of [mungeEtc, mungeRun, key]) chownSync(p, mungeUid, mungeGid);
    chmodSync(key, 0o400);
    const socket = join(mungeRun, 'munge.sock');
    const mungeLog = join(mungeEtc, 'munged.log');
    const mungePid = join(mungeRun, 'munged.pid');
    const m = spawnSync(
      'runuser',
      [
        '-u',
        'munge',
        '--',
        '/usr/sbin/munged',
        `--socket=${socket}`,
        `--key-file=${key}`,
        `--pid-file=${mungePid}`,
        `--log-file=${mungeLog}`,
        `--seed-file=${join(mungeEtc, 'munged.seed')}`,
      ],
      { encoding: 'utf8' },
    );
    if (m.status !== 0) throw new Error(`munged did not start: ${m.stderr.trim()}\n${tail(mungeLog)}`);
    pids.push({ name: 'munged', pid: await waitForPid(mungePid, mungeLog, 'munged') });

    const slurm = join(dir, 'slurm');
    for (const d of ['state', 'spool', 'log']) mkdirSync(join(slurm, d), { recursive: true });
    const host = hostname().split('.')[0];
    const conf = join(slurm, 'slurm.conf');
    const ctldLog = join(slurm, 'log', 'slurmctld.log');
    const dLog = join(slurm, 'log', 'slurmd.log');
    writeFileSync(
      conf,
      [
        'ClusterName=bitplanetest',
        `SlurmctldHost=${host}`,
        `SlurmctldPort=${await freePort()}`,
        `SlurmdPort=${await freePort()}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `StateSaveLocation=${join(slurm, 'state')}`,
        `SlurmdSpoolDir=${join(slurm, 'spool')}`,
        `SlurmctldPidFile=${join(slurm, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(slurm, 'slurmd.pid')}`,
        `SlurmctldLogFile=${ctldLog}`,
        `SlurmdLogFile=${dLog}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'MailProg=/bin/true',
        'SchedulerParameters=batch_sched_delay=0',
        'ReturnToService=2',
        `NodeName=${host} CPUs=${execFileSync('nproc', { encoding: 'utf8' }).trim()} RealMemory=${Math.floor(totalmem() / 2 ** 20 / 2)} State=UNKNOWN`,
        'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    for (const [name, args, pidFile, log] of [
      ['slurmctld', ['-i'], join(slurm, 'slurmctld.pid'), ctldLog],
      ['slurmd', [], join(slurm, 'slurmd.pid'), dLog],
    ] as const) {
      const r = spawnSync(`/usr/sbin/${name}`, [...args], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${name} did not start: ${r.stderr.trim()}\n${tail(log)}`);
      pids.push({ name, pid: await waitForPid(pidFile, log, name) });
    }
    for (let i = 0; i < 100; i++) {
      const s = spawnSync('/usr/bin/sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
      if (s.stdout.trim() === 'idle') return { env, dir, stop };
      await sleep(200);
    }
    throw new Error(
      `the test Slurm's node never became idle; slurmd log:\n${tail(dLog)}\nslurmctld log:\n${tail(ctldLog)}`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
}
