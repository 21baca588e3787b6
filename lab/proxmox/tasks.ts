/**
 * Worker tasks: UPIDs in `PVE::UPID` format and a task table whose entries run for a
 * configurable time and then stop with an exit status. Progress is evaluated lazily against
 * the injected clock (`settle()` before each request), so no timers outlive the server and
 * tests can advance time without sleeping.
 */

export interface UpidParts {
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  /** `user@realm` or `user@realm!tokenid`. */
  user: string;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

export function formatUpid(p: UpidParts): string {
  return `UPID:${p.node}:${hex(p.pid, 8)}:${hex(p.pstart, 8)}:${hex(p.starttime, 8)}:${p.type}:${p.id}:${p.user}:`;
}

export function parseUpid(upid: string): UpidParts | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1]!,
    pid: parseInt(m[3]!, 16),
    pstart: parseInt(m[4]!, 16),
    starttime: parseInt(m[5]!, 16),
    type: m[6]!,
    id: m[7]!,
    user: m[8]!,
  };
}

export interface Task extends UpidParts {
  upid: string;
  startedMs: number;
  endsMs: number;
  /** Runs once when the task's time is up; returns the exit status (`OK` or an error text). */
  complete: () => string;
  exitstatus?: string;
  endtime?: number;
  log: string[];
}

export class TaskTable {
  private readonly tasks = new Map<string, Task>();
  private pending: Task[] = [];
  private nextPid: number;

  constructor(
    private readonly nowMs: () => number,
    private readonly durationMs: number,
    seed: number,
  ) {
    this.nextPid = 0x30000 + (seed % 0x10000);
  }

  start(
    node: string,
    type: string,
    id: string,
    user: string,
    complete: () => string,
    log: string[] = [],
  ): Task {
    const now = this.nowMs();
    const pid = this.nextPid++;
    const parts: UpidParts = {
      node,
      pid,
      // Process start in clock ticks since boot: any increasing value looks right.
      pstart: 0x0a000000 + (Math.floor(now / 10) % 0x0fffffff),
      starttime: Math.floor(now / 1000),
      type,
      id,
      user,
    };
    const task: Task = {
      ...parts,
      upid: formatUpid(parts),
      startedMs: now,
      endsMs: now + this.durationMs,
      complete,
      log,
    };
    this.tasks.set(task.upid, task);
    this.pending.push(task);
    return task;
  }

  /** Finishes every task whose time is up, in the order they end. */
  settle(): void {
    if (this.pending.length === 0) return;
    const now = this.nowMs();
    const due = this.pending.filter((t) => t.endsMs <= now).sort((a, b) => a.endsMs - b.endsMs);
    if (due.length === 0) return;
    this.pending = this.pending.filter((t) => t.endsMs > now);
    for (const task of due) {
      let status: string;
      try {
        status = task.complete();
      } catch (err) {
        status = err instanceof Error ? err.message.trim() : String(err);
      }
      task.exitstatus = status;
      task.endtime = Math.floor(task.endsMs / 1000);
      task.log.push(status === 'OK' ? 'TASK OK' : `TASK ERROR: ${status}`);
    }
  }

  get(upid: string): Task | undefined {
    return this.tasks.get(upid);
  }

  list(node: string): Task[] {
    return [...this.tasks.values()].filter((t) => t.node === node);
  }

  /** Whether a task of the given types is still running for a guest (its config is locked). */
  running(id: string): Task | undefined {
    return this.pending.find((t) => t.id === id);
  }
}
