import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { writeFileDurably } from '../core/atomic-file';
import type { Logger } from '../core/logger';
import type { CorruptionReport } from '../db/open-database';
import type { UpgradeNotice } from '../db/migrations';

/**
 * What happened to the stored data that the user has not dismissed yet — the damaged databases
 * moved aside, and what an upgrade of the database changed that the user must act on — kept in
 * the data folder so that every later start — of the app, a browser host, the CLI — says so, not
 * only the process that found the damage or ran the upgrade (the others would show an empty store,
 * or a profile that no longer connects, and no reason).
 */
export const recoveryFileName = 'database-recovered.json';

/** Reports kept at most: the latest ones, should a database be moved aside again and again. */
const maxRecoveries = 20;

const DamagedDatabase = z
  .object({
    /** When the file was moved aside. */
    at: z.iso.datetime(),
    reason: z.string().max(4000),
    movedTo: z.string().max(4096),
    /** What was said at the time, for the user. */
    message: z.string().max(16_000),
  })
  .strict();

/** What an upgrade changed that the user must act on (a migration's notice). */
const UpgradeReport = z
  .object({
    at: z.iso.datetime(),
    /** The notice the app shows it as. */
    notice: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
    message: z.string().max(16_000),
  })
  .strict();

const RecoveryReport = z.union([DamagedDatabase, UpgradeReport]);
export type RecoveryReport = z.infer<typeof RecoveryReport>;

const RecoveryFile = z
  .object({ version: z.literal(1), recoveries: z.array(RecoveryReport).max(maxRecoveries) })
  .strict();

/** The notice the app shows a report as. */
export function recoveryNoticeId(report: RecoveryReport): string {
  return 'notice' in report ? report.notice : 'database-recovered';
}

function recoveryFile(dataDir: string): string {
  return path.join(dataDir, recoveryFileName);
}

/**
 * What identifies the record's current content (its file, size and modification time), null
 * without a record: a change means another process wrote or removed it.
 */
export function recoveryRecordStamp(dataDir: string): string | null {
  const stat = fs.statSync(recoveryFile(dataDir), { bigint: true, throwIfNoEntry: false });
  return stat === undefined
    ? null
    : `${String(stat.ino)}:${String(stat.size)}:${String(stat.mtimeNs)}`;
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
  return addReports(
    dataDir,
    [
      {
        at: at.toISOString(),
        reason: report.reason,
        movedTo: report.movedTo,
        message: report.message,
      },
    ],
    logger,
  );
}

/**
 * Adds what an upgrade must tell the user to the record (written durably), in place of an
 * earlier report of the same notice. As `recordRecovery`, a record that cannot be written is said
 * in the log only.
 */
export function recordUpgradeNotices(
  dataDir: string,
  notices: readonly UpgradeNotice[],
  at: Date,
  logger: Logger,
): RecoveryReport[] {
  const reports = notices.map((n) => ({ at: at.toISOString(), notice: n.id, message: n.message }));
  return addReports(dataDir, reports, logger);
}

function addReports(
  dataDir: string,
  reports: readonly RecoveryReport[],
  logger: Logger,
): RecoveryReport[] {
  const replaced = new Set(reports.map(recoveryNoticeId));
  const kept = readRecoveries(dataDir, logger).filter(
    (r) => !('notice' in r) || !replaced.has(r.notice),
  );
  const recoveries = [...kept, ...reports].slice(-maxRecoveries);
  try {
    writeRecoveries(dataDir, recoveries);
  } catch (error) {
    logger.warn('could not record what to tell the user; only this start reports it', {
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
  const key = (r: RecoveryReport): string => `${r.at}\n${r.message}`;
  const gone = new Set(dismissed.map(key));
  const left = readRecoveries(dataDir, logger).filter((r) => !gone.has(key(r)));
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
