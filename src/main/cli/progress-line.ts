import type { Writable } from 'node:stream';
import type { SyncProgressEvent } from '../../shared/inventory';
import { printable } from './cli-io';
import { truncateToWidth } from './format-width';

/**
 * A one-line progress bar for `rackside sync` on a terminal: the share of the work done (each
 * finished profile counts whole, a running one by its phase's progress) and one running
 * profile's phase. Drawn by hand because it is a few dozen lines.
 *
 * A profile's phases each count from zero (hosts 2/2, then details 0/883) and how many there
 * are is not known ahead, so each phase fills half of what is left of the profile's share: the
 * bar moves in every phase that counts, and never backwards.
 */
export class ProgressLine {
  /** Each profile's latest event, its share of its work done (0 to 1) and where its phase began. */
  readonly #profiles = new Map<string, { event: SyncProgressEvent; base: number; share: number }>();
  #drawn = false;
  #held = false;
  /** The running profile the line names. */
  #shown: string | undefined;

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
    this.#advance(event);
    if (this.#held) return;
    const events = [...this.#profiles.values()].map((p) => p.event);
    const finished = events.filter((e) => e.state !== 'running').length;
    // The profile that just moved, else the last one that did: the line follows the work.
    const running = events.filter((e) => e.state === 'running');
    if (event.state === 'running') this.#shown = event.profileId;
    const current = running.find((e) => e.profileId === this.#shown) ?? running.at(-1);
    const others = running.length - (current === undefined ? 0 : 1);
    let sum = 0;
    for (const { share } of this.#profiles.values()) sum += share;
    const overall = this.total === 0 ? 1 : Math.min(1, sum / this.total);
    // Rounded down: the bar is full only when every profile has ended.
    const filled = Math.floor(overall * this.width);
    const detail =
      current === undefined
        ? ''
        : ` ${current.profileName}: ${phaseText(current)}${others > 0 ? ` (+${String(others)} running)` : ''}`;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${finished}/${this.total}${printable(detail)}`;
    this.out.write(`\r\u001b[2K${fit(line, (this.out as { columns?: number }).columns)}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.out.write('\r\u001b[2K');
  }

  #advance(event: SyncProgressEvent): void {
    const known = this.#profiles.get(event.profileId);
    if (event.state !== 'running') {
      this.#profiles.set(event.profileId, { event, base: 1, share: 1 });
      return;
    }
    const share = known?.share ?? 0;
    const base = known?.event.phase === event.phase ? known.base : share;
    this.#profiles.set(event.profileId, {
      event,
      base,
      share: Math.max(share, base + ((1 - base) * phaseShare(event)) / 2),
    });
  }
}

/**
 * The line cut to the terminal's width, less one column: a line that wraps is not cleared by the
 * next redraw, and would leave a trail of half lines down the screen. Measured in terminal
 * columns (a CJK character takes two) and cut between characters, never inside one.
 */
function fit(line: string, columns: number | undefined): string {
  // A terminal that reports no width (0, as a pseudo-terminal never sized does) gets the default.
  const width = columns === undefined || columns < 2 ? 121 : columns;
  return truncateToWidth(line, width - 1);
}

/** How far a running profile's current phase is, 0 when it does not say. */
function phaseShare(event: SyncProgressEvent): number {
  if (event.total === null || event.total === 0) return 0;
  return Math.min(1, event.done / event.total);
}

/** `details 9/883`, `saving 883 records`, `connecting`. */
function phaseText(event: SyncProgressEvent): string {
  if (event.total !== null) return `${event.phase} ${event.done}/${event.total}`;
  if (event.records > 0) return `${event.phase} ${event.records} records`;
  return event.phase;
}
