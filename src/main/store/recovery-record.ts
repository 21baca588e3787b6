import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { writeFileDurably } from '../core/atomic-file';
import type { Logger } from '../core/logger';
import type { CorruptionReport } from '../db/open-database';

/**
 * The damaged databases moved aside that the user has not dismissed yet, kept in the data folder
 * so that every later start — of the app, a browser host, the CLI — says so, not only the process
 * that found the damage (the others would show an empty store and no reason).
 */
export const recoveryFileName = 'database-recovered.json';

/** Reports kept at most: the latest ones, should a database be moved aside again and again. */
const maxRecoveries = 20;

const RecoveryReport = z
  .object({
    /** When the file was moved aside. */
    at: z.iso.datetime(),
    reason: z.string().max(4000),
    movedTo: z.string().max(4096),
    /** What was said at the time, for the user. */
    message: z.string().max(16_000),
  })
  .strict();
export type RecoveryReport = z.infer<typeof RecoveryReport>;

const RecoveryFile = z
  .object({ version: z.literal(1), recoveries: z.array(RecoveryReport).max(maxRecoveries) })
  .strict();

function recoveryFile(dataDir: string): string {
  return path.join(dataDir, recoveryFileName);
}

/** The reports not dismissed yet; none when there is no file or what it holds is not a record. */
export function readRecoveries(dataDir: string, logger: Logger): RecoveryReport[] {
  let text: string;
  try {
    text = fs.readFileSync(recoveryFile(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn('could not read the record of damaged databases', { error: String(error) });
    }
    return [];
  }
  try {
    const parsed = RecoveryFile.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.recoveries;
  } catch {
    // Not JSON: as any other content that is not a record, it is ignored.
  }
  logger.warn('the record of damaged databases is not one; ignored', {
    file: recoveryFile(dataDir),
  });
  return [];
}

/**
 * Adds a report to the record (written durably). A record that cannot be written is said in the
 * log only: this start still reports the damage.
 */
export function recordRecovery(
  dataDir: string,
  report: CorruptionReport,
  at: Date,
  logger: Logger,
): RecoveryReport[] {
  const recoveries = [
    ...readRecoveries(dataDir, logger),
    {
      at: at.toISOString(),
      reason: report.reason,
      movedTo: report.movedTo,
      message: report.message,
    },
  ].slice(-maxRecoveries);
  try {
    writeRecoveries(dataDir, recoveries);
  } catch (error) {
    logger.warn('could not record the damaged database; only this start reports it', {
      error: String(error),
    });
  }
  return recoveries;
}

/**
 * Forgets the given reports (those the user was shown and dismissed); a report another process
 * added meanwhile stays. Throws an AppError when the record cannot be changed.
 */
export function dismissRecoveries(
  dataDir: string,
  dismissed: readonly RecoveryReport[],
  logger: Logger,
): void {
  const gone = new Set(dismissed.map((r) => `${r.at}\n${r.movedTo}`));
  const left = readRecoveries(dataDir, logger).filter((r) => !gone.has(`${r.at}\n${r.movedTo}`));
  try {
    if (left.length > 0) writeRecoveries(dataDir, left);
    else fs.rmSync(recoveryFile(dataDir), { force: true });
  } catch (error) {
    throw new AppError(
      'unavailable',
      `Could not change ${recoveryFile(dataDir)}, where Rackside keeps this notice: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function writeRecoveries(dataDir: string, recoveries: readonly RecoveryReport[]): void {
  const record: z.infer<typeof RecoveryFile> = { version: 1, recoveries: [...recoveries] };
  writeFileDurably(recoveryFile(dataDir), `${JSON.stringify(record, null, 2)}\n`);
}
