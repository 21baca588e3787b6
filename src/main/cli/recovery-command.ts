import { resolveDataDir } from '../core/data-dir';
import { dismissRecoveries, readRecoveries, recoveryNoticeId } from '../store/recovery-record';
import { escapeRawControls, printable, type CliIo } from './cli-io';
import { cliLogger, type GlobalOptions } from './session';

/**
 * `rackside recovery [--dismiss]`: the damaged databases moved aside, and the changes of an
 * update the user must act on (source URLs that lost their passwords), that every start still
 * warns about, and with --dismiss, the user's word that they have been dealt with. Reads the record in
 * the data folder only: it never opens (or creates) the database.
 */
export function recoveryCommand(
  io: CliIo,
  options: GlobalOptions,
  opts: { dismiss?: boolean },
): number {
  const dataDir = resolveDataDir({ flag: options.dataDir, env: io.env });
  const logger = cliLogger(io);
  const recoveries = readRecoveries(dataDir, logger);
  const print = (json: unknown, human: string): void => {
    io.stdout.write(
      options.json === true
        ? escapeRawControls(`${JSON.stringify(json, null, 2)}\n`)
        : `${printable(human)}\n`,
    );
  };
  if (opts.dismiss === true) {
    dismissRecoveries(dataDir, recoveries, logger);
    const onlyDamage = recoveries.every((r) => recoveryNoticeId(r) === 'database-recovered');
    print(
      { dismissed: recoveries },
      recoveries.length === 0
        ? 'Nothing to dismiss: no damaged database was moved aside since the last dismiss.'
        : onlyDamage
          ? `Dismissed: Rackside no longer warns about the damaged database${recoveries.length === 1 ? '' : 's'} it moved aside.`
          : 'Dismissed: Rackside no longer warns about what it reported.',
    );
    return 0;
  }
  print(
    { recoveries },
    recoveries.length === 0
      ? 'No damaged database was moved aside since the last dismiss.'
      : [
          ...recoveries.map((r) => `${r.at}: ${r.message}`),
          'Once dealt with, dismiss with: rackside recovery --dismiss',
        ].join('\n\n'),
  );
  return 0;
}
