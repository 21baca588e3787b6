/**
 * Keys typed into a tab while its session is still connecting, sent once it opens — as ssh's own
 * terminal keeps them — so a command typed ahead runs whole, never only its later part. Dropped
 * if the session closes first, or a new connect starts; when more than `typeaheadLimit`
 * characters were typed, none of them is sent (a command must never run in part).
 */

export const typeaheadLimit = 4096;

const tooMuch = Symbol('too much typed ahead');
const held = new Map<string, string | typeof tooMuch>();

/** Keeps `data`, typed into tab `key` while it connects. */
export function holdTyped(key: string, data: string): void {
  const before = held.get(key) ?? '';
  if (before === tooMuch) return;
  const after = before + data;
  held.set(key, after.length <= typeaheadLimit ? after : tooMuch);
}

/**
 * Takes what tab `key` kept: the keys to send, or the notice to show instead when there were
 * too many; undefined when nothing was typed ahead.
 */
export function takeTyped(key: string): { keys: string } | { notice: string } | undefined {
  const kept = held.get(key);
  held.delete(key);
  if (kept === undefined) return undefined;
  if (kept !== tooMuch) return { keys: kept };
  return {
    notice: `More than ${String(typeaheadLimit)} characters were typed while connecting: none of them were sent.`,
  };
}

/** A connect starts again, or ended: nothing typed before it is kept. */
export function forgetTyped(key: string): void {
  held.delete(key);
}
