/**
 * What a RouterOS version changes on the wire (reference/routeros.md §5 item 13): login methods,
 * `!empty`, date formats, boolean spelling and package-list fields.
 */

/** modern ≥ 6.45.1 (plaintext only), transitional 6.43–6.45.0 (both), legacy < 6.43 (MD5). */
export type LoginMode = 'modern' | 'transitional' | 'legacy';

export interface VersionProfile {
  version: string;
  loginMode: LoginMode;
  /** 7.18 added `!empty` before the `!done` of a command with nothing to return. */
  emptyReply: boolean;
  /** ISO dates (`2026-01-08 09:40:00`) from the 7.1x series, `Jan/08/2026 09:40:00` before. */
  isoDates: boolean;
  /** `true`/`false` on v7 and late v6, `yes`/`no` on old v6. */
  booleans: readonly [string, string];
  /** CHR 7.2x lists `available` and `size` for each package. */
  packageSizes: boolean;
}

export function parseVersion(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return [0, 0, 0];
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(minimum);
  for (let index = 0; index < 3; index += 1) {
    const left = a[index] ?? 0;
    const right = b[index] ?? 0;
    if (left !== right) return left > right;
  }
  return true;
}

export function profileFor(
  version: string,
  overrides: Partial<VersionProfile> = {},
): VersionProfile {
  const loginMode: LoginMode = !versionAtLeast(version, '6.43')
    ? 'legacy'
    : versionAtLeast(version, '6.45.1')
      ? 'modern'
      : 'transitional';
  return {
    version,
    loginMode,
    emptyReply: versionAtLeast(version, '7.18'),
    isoDates: versionAtLeast(version, '7.12'),
    booleans: versionAtLeast(version, '6.41') ? ['true', 'false'] : ['yes', 'no'],
    packageSizes: versionAtLeast(version, '7.20'),
    ...overrides,
  };
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A timestamp in the device's date style (§1.11). */
export function formatDate(profile: VersionProfile, epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  if (profile.isoDates) {
    return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time}`;
  }
  return `${months[date.getUTCMonth()] ?? 'Jan'}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${time}`;
}

/** Durations as RouterOS writes them: `2d20h12m20s`, units w d h m s, zero units left out. */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  let text = '';
  for (const [unit, size] of [
    ['w', 604800],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) text += `${count}${unit}`;
  }
  return text || '0s';
}
