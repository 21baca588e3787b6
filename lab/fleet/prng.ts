/**
 * A small seeded PRNG (mulberry32) and helpers. The lab never calls Math.random: every value in the
 * fleet and every fault decision comes from a seed, so a failing test can be replayed exactly.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element chosen by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string;
  /** A fresh 32-bit seed for a sub-stream. */
  fork(): number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes any number of integers or strings into one 32-bit seed (FNV-1a over the parts). */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? part.toString(36) : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = '0123456789abcdef';

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted: (items) => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new Error('weighted pick from an empty list');
      return last[0];
    },
    hex: (bytes) => {
      let out = '';
      for (let i = 0; i < bytes; i += 4) {
        const word = Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
        out += bytes - i >= 4 ? word : word.slice(0, (bytes - i) * 2);
      }
      return out;
    },
    fork: () => Math.floor(next() * 4294967296) >>> 0,
  };
  return rng;
}

/** Formats 32 hex characters as an RFC 4122 version-4 UUID (variant bits set). */
export function uuidFromHex(hex32: string): string {
  const h = hex32.padEnd(32, '0');
  const variant = HEX[(parseInt(h[16] ?? '0', 16) & 0x3) | 0x8] ?? '8';
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
