/**
 * What a sync ends with when it does not end well: the outcome of a profile removed during its
 * sync, the check of what a connector returned, and a failure told in words (redacted, bounded).
 */
import { AppError, isAppError, type ErrorCode } from '../../shared/errors';
import type { SyncOutcome, SyncProgressEvent } from '../../shared/inventory';
import type { ProfileView } from '../../shared/profiles';
import { redactText } from '../core/redact';
import { noteIfCorruption, storageProblem } from '../db/open-database';
import type { SourceRecord, SourceSystem, SyncProgress } from '../sources/types';

/** Reports a profile's progress (see `SyncEngineOptions.onProgress`). */
export type ProgressEmit = (
  update: SyncProgress,
  state: SyncProgressEvent['state'],
  error?: string | null,
) => void;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export function removedMessage(profile: ProfileView): string {
  return `"${profile.name}" was removed during its sync.`;
}

/** What a sync of a profile removed before it could save says: nothing of it is kept. */
export function removedOutcome(
  profile: ProfileView,
  system: SourceSystem,
  durationMs: number,
  runId = 0,
): SyncOutcome {
  return {
    runId,
    profileId: profile.id,
    profileName: profile.name,
    system,
    status: 'failed',
    fetched: 0,
    added: 0,
    changed: 0,
    removed: 0,
    warnings: [],
    error: removedMessage(profile),
    errorCode: 'not-found',
    durationMs: Math.round(durationMs),
  };
}

export function clampCount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Records must name their system and carry an external id; duplicates keep the first. */
export function checkRecords(
  records: readonly SourceRecord[],
  system: SourceSystem,
): SourceRecord[] {
  const seen = new Set<string>();
  const out: SourceRecord[] = [];
  for (const record of records) {
    if (record.system !== system || record.externalId === '') {
      throw new AppError(
        'protocol-error',
        `The ${system} connector returned a record without a valid system or id.`,
      );
    }
    if (seen.has(record.externalId)) continue;
    seen.add(record.externalId);
    out.push(record);
  }
  return out;
}

export function describeFailure(
  error: unknown,
  signal: AbortSignal,
): { code: ErrorCode; message: string } {
  if (signal.aborted) {
    // Stopped for a reason (`cancel(reason)`), not by the user's Cancel.
    const reason: unknown = signal.reason;
    if (isAppError(reason)) return { code: reason.code, message: reason.message };
    return { code: 'cancelled', message: 'The sync was cancelled.' };
  }
  if (isAppError(error))
    return { code: error.code, message: redactText(error.message).slice(0, 2000) };
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'cancelled', message: 'The sync was cancelled.' };
  }
  const storage = storageProblem(error);
  if (storage !== null) return { code: 'internal', message: storage };
  if (noteIfCorruption(error)) {
    return {
      code: 'internal',
      message: `The database is damaged (${(error as Error).message}); the next start checks it and moves a damaged file aside.`,
    };
  }
  return {
    code: 'internal',
    message: `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`.slice(
      0,
      2000,
    ),
  };
}
