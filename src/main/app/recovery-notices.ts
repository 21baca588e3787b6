import type { Store } from '../store/open-store';
import { recoveryNoticeId, type RecoveryReport } from '../store/recovery-record';
import type { NoticeBoard } from './notices';

/** Said of a database another process moved aside while this one had it open. */
const stillOnMovedFile =
  'Restart Rackside to use the new one: until then it shows what the moved file holds and saves nothing.';

/**
 * Shows what happened to the stored data that the user has not dismissed (`Store.recoveries`):
 * one notice for the damaged databases moved aside, one for each upgrade notice. Another process
 * (the CLI) may move the database aside, or dismiss the reports, while this one runs: the
 * returned function looks at the record again, and the notices follow it (the core's watch of
 * the data folder calls it every two seconds).
 */
export function showRecoveries(notices: NoticeBoard, store: Store): () => void {
  const key = (r: RecoveryReport): string => `${r.at}\n${r.message}`;
  // A damaged database reported later was moved aside under this process, which still has the
  // moved file open.
  const atStart = new Set(store.recoveries().map(key));
  let shown = new Set<string>();
  const show = (): void => {
    const byNotice = new Map<string, RecoveryReport[]>();
    for (const report of store.recoveries()) {
      const id = recoveryNoticeId(report);
      byNotice.set(id, [...(byNotice.get(id) ?? []), report]);
    }
    for (const id of shown) if (!byNotice.has(id)) notices.withdraw(id);
    for (const [id, reports] of byNotice) {
      const movedUnderUs = id === 'database-recovered' && reports.some((r) => !atStart.has(key(r)));
      const message = [
        ...reports.map((r) => r.message),
        ...(movedUnderUs ? [stillOnMovedFile] : []),
      ];
      notices.post({ id, message: message.join(' '), dismissible: true }, () => {
        store.dismissRecoveries(reports);
      });
    }
    shown = new Set(byNotice.keys());
  };
  show();
  return () => {
    if (store.refreshRecoveries()) show();
  };
}
