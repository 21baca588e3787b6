/** CPU time and memory of the processes a benchmark runs, read from /proc (Linux). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromiumPath } from '../e2e/support/electron';

/** Resident set of a process in MiB (the host process, ssh worker thread included). */
export async function residentMiB(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${String(pid)}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match === null ? NaN : Number(match[1]) / 1024;
}

/** The pid of the browser host serving from `dataDir` (found through /proc, read only). */
export async function hostPid(dataDir: string): Promise<number> {
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('browser.js') && cmdline.includes(dataDir)) return Number(entry);
  }
  throw new Error('browser host process not found');
}

/** CPU seconds a process has used (user + system), from /proc. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds the whole machine has spent busy (all cores, from /proc/stat). */
export async function machineCpuSeconds(): Promise<number> {
  const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((a, b) => a + b, 0) - idle) / 100;
}

/** CPU seconds used by this process's descendants whose command names the browser. */
export async function browserCpuSeconds(): Promise<number> {
  const root = process.pid;
  const parents = new Map<number, number>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const times = await Promise.all(
    [...tree].map(async (pid) => {
      const cmdline = await fs.readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => '');
      return cmdline.includes(path.basename(chromiumPath())) ? cpuSeconds(pid).catch(() => 0) : 0;
    }),
  );
  return times.reduce((a, b) => a + b, 0);
}
