import type { AppErrorShape } from './errors';

/** What every command returns across the boundary: nothing is ever thrown across it. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorShape };

export function ok<T>(data: T): Result<T> {
  return { ok: true, data };
}

export function fail<T = never>(error: AppErrorShape): Result<T> {
  return { ok: false, error };
}
