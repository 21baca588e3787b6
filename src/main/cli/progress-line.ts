import type { Writable } from 'node:stream';
import type { SyncProgressEvent } from '../../shared/inventory';

/**
 * A one-line progress bar for `rackside sync` on a terminal: overall share of finished profiles
 * plus the busiest profile's phase. Drawn by hand because it is a dozen lines.
 */
export class ProgressLine {
  readonly #profiles = new Map<string, SyncProgressEvent>();
  #drawn = false;
  #held = false;

  constructor(
    private readonly out: Writable,
    private readonly total: number,
    private readonly width = 24,
  ) {}

  /** Stops drawing while something else owns the line (a prompt), and clears it. */
  hold(on: boolean): void {
    if (on) this.done();
    this.#held = on;
    this.#drawn = false;
  }

  update(event: SyncProgressEvent): void {
    this.#profiles.set(event.profileId, event);
    if (this.#held) return;
    const finished = [...this.#profiles.values()].filter((e) => e.state !== 'running').length;
    const running = [...this.#profiles.values()].filter((e) => e.state === 'running');
    const share =
      this.total === 0
        ? 1
        : (finished +
            running.reduce(
              (sum, e) => sum + (e.total === null || e.total === 0 ? 0 : e.done / e.total),
              0,
            )) /
          this.total;
    const filled = Math.min(this.width, Math.round(share * this.width));
    const current = running[0];
    const detail =
      current === undefined
        ? ''
        : ` ${current.profileName}: ${current.phase} ${current.done}${current.total === null ? '' : `/${current.total}`}`;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${finished}/${this.total}${detail}`;
    this.out.write(`\r\u001b[2K${line.slice(0, 120)}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.out.write('\r\u001b[2K');
  }
}
