import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceFreshness, SyncStatus } from '../../../../shared/inventory';
import { createBridge, setBridge } from '../../lib/bridge';
import { useNavStore } from '../../stores/nav-store';
import { useProfilesStore } from '../profiles/profiles-store';
import { progressBus } from './progress-bus';
import { when } from './staleness';
import { SyncCenter } from './SyncCenter';
import { connectSync, initialState, useSyncStore } from './sync-store';
import { answeringStatus, row, source, withoutAppStyles } from './sync-center-steps';

afterEach(() => {
  cleanup();
  setBridge(undefined);
  withoutAppStyles();
});

describe('SyncCenter: sync every', () => {
  const otpId = '22222222-2222-4222-8222-222222222222';
  const prodId = '11111111-1111-4111-8111-111111111111';
  const started = Date.now() - 10 * 60_000;
  let current: SyncStatus;
  let sent: unknown[];
  let refuse: string | undefined;

  const proxmox = (totp: boolean) => ({
    kind: 'proxmox',
    url: 'https://pve.lab',
    auth: { mode: 'password', username: 'root', realm: 'pam', totp },
    tls: { insecure: false, caPath: null, pinnedSha256: null },
  });

  beforeEach(() => {
    sent = [];
    refuse = undefined;
    current = {
      running: false,
      sources: [
        {
          ...source(prodId, 'foreman-prod'),
          lastAttemptAt: new Date(started).toISOString(),
        },
        { ...source(otpId, 'pve-otp'), system: 'proxmox' },
      ],
      lastRuns: [],
    };
    useSyncStore.setState(initialState);
    setBridge(
      createBridge({
        invoke: (channel, payload) => {
          if (channel === 'sync:status') return Promise.resolve({ ok: true, data: current });
          if (channel === 'profiles:list') {
            return Promise.resolve({
              ok: true,
              data: [
                { id: otpId, name: 'pve-otp', connection: proxmox(true) },
                { id: prodId, name: 'foreman-prod', connection: { kind: 'foreman' } },
              ],
            });
          }
          if (channel === 'sync:schedule') {
            sent.push(payload);
            if (refuse !== undefined) {
              return Promise.resolve({ ok: false, error: { code: 'internal', message: refuse } });
            }
            const { profileId, intervalMinutes } = payload as {
              profileId: string;
              intervalMinutes: number | null;
            };
            current = {
              ...current,
              sources: current.sources.map((s) =>
                s.profileId === profileId ? { ...s, intervalMinutes } : s,
              ),
            };
            return Promise.resolve({ ok: true, data: current });
          }
          return Promise.resolve({
            ok: false,
            error: { code: 'unknown-channel', message: channel },
          });
        },
        on: () => () => undefined,
      }),
    );
  });
  afterEach(() => {
    cleanup();
    setBridge(undefined);
  });

  it('sets the background interval and shows when the source is due next; Off switches it off', async () => {
    render(<SyncCenter />);
    const control = await screen.findByLabelText<HTMLSelectElement>('Sync foreman-prod every');
    expect(control.value).toBe('off');
    expect(
      within(control)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Off', '15 min', '30 min', '1 h', '6 h', '24 h']);

    fireEvent.change(control, { target: { value: '60' } });
    // The time as `when` writes it elsewhere on screen, date aside.
    const expected = new Date(started + 60 * 60_000).toLocaleTimeString(undefined, {
      timeStyle: 'short',
    });
    expect(when(new Date(started + 60 * 60_000).toISOString())).toContain(expected);
    const row = screen.getAllByTestId('sync-row').find((r) => r.dataset.profile === 'foreman-prod');
    if (!row) throw new Error('no row for foreman-prod');
    await waitFor(() => {
      expect(within(row).getByTestId('sync-next').textContent).toBe(`next about ${expected}`);
    });
    expect(sent).toEqual([{ profileId: prodId, intervalMinutes: 60 }]);
    expect(control.value).toBe('60');

    // 15 minutes after a run that started 10 minutes ago: due in 5, "about" that time.
    fireEvent.change(control, { target: { value: '15' } });
    await waitFor(() => {
      expect(within(row).getByTestId('sync-next').textContent).toMatch(/^next about /);
    });

    fireEvent.change(control, { target: { value: 'off' } });
    await waitFor(() => {
      expect(control.value).toBe('off');
    });
    expect(sent.at(-1)).toEqual({ profileId: prodId, intervalMinutes: null });
    expect(within(row).getByTestId('sync-next').textContent).toBe('');
  });

  it('shows an interval set elsewhere as it is, and "due now" for a source never synced', async () => {
    current = {
      ...current,
      sources: [{ ...current.sources[0]!, intervalMinutes: 45, lastAttemptAt: null }],
    };
    render(<SyncCenter />);
    const control = await screen.findByLabelText<HTMLSelectElement>('Sync foreman-prod every');
    expect(control.value).toBe('45');
    expect(within(control).getByRole('option', { selected: true }).textContent).toBe(
      'every 45 min',
    );
    expect(screen.getByTestId('sync-next').textContent).toBe('due now');
  });

  it('shows a refused change next to the control; the rest of the page keeps working', async () => {
    render(<SyncCenter />);
    const control = await screen.findByLabelText<HTMLSelectElement>('Sync foreman-prod every');
    refuse = 'The database is busy.';
    fireEvent.change(control, { target: { value: '30' } });
    const error = await screen.findByTestId('sync-every-error');
    expect(error.textContent).toBe('The database is busy.');
    expect(control.value).toBe('off');
    expect(screen.getAllByTestId('sync-now').every((b) => !(b as HTMLButtonElement).disabled)).toBe(
      true,
    );
    refuse = undefined;
    fireEvent.change(control, { target: { value: '30' } });
    await waitFor(() => {
      expect(screen.queryByTestId('sync-every-error')).toBeNull();
    });
    expect(control.value).toBe('30');
  });

  it('disables the control of a profile that asks for a one-time code at every login, and says why', async () => {
    render(<SyncCenter />);
    const control = await screen.findByLabelText<HTMLSelectElement>('Sync pve-otp every');
    await waitFor(() => {
      expect(control.disabled).toBe(true);
    });
    expect(control.title).toBe(
      '"pve-otp" asks for a one-time code at every login, so it can only be synced by hand.',
    );
    const row = screen.getAllByTestId('sync-row').find((r) => r.dataset.profile === 'pve-otp');
    if (!row) throw new Error('no row for pve-otp');
    expect(within(row).getByTestId('sync-every-hint').textContent).toBe('By hand only');
    // The other profile's control stays usable.
    expect(screen.getByLabelText<HTMLSelectElement>('Sync foreman-prod every').disabled).toBe(
      false,
    );
  });
});

describe('SyncCenter: a source another Rackside process syncs', () => {
  const pid = 4242;
  const stopped = `Stopped waiting for the sync by another Rackside process (pid ${String(pid)}); it goes on there.`;
  const current: SyncStatus = {
    running: false,
    sources: [
      {
        ...source('p3', 'pm-lab'),
        system: 'patchmon',
        dataFrom: null,
        lastStatus: null,
        lastAttemptAt: null,
        syncedElsewhere: { runId: 31, pid },
      },
      source('p1', 'foreman-prod'),
    ],
    lastRuns: [],
  };
  let latest: SyncStatus;
  let emit: (name: string, payload: unknown) => void;
  beforeEach(() => {
    latest = current;
    ({ emit } = answeringStatus(() => latest));
  });

  it('says so in its row and the toolbar, not "never" and "Idle"', async () => {
    render(<SyncCenter />);
    const pm = await row('pm-lab');
    expect(within(pm).getByTestId('sync-state').textContent).toBe('running elsewhere');
    expect(within(pm).getByTestId('sync-elsewhere').textContent).toBe(
      `Another Rackside process (pid ${String(pid)}) is syncing this source.`,
    );
    expect(screen.getByTestId('sync-running').textContent).toBe(
      'Another Rackside process is syncing pm-lab',
    );
    // Nothing here to cancel.
    expect(screen.getByTestId('sync-cancel').getAttribute('aria-disabled')).toBe('true');
    const prod = await row('foreman-prod');
    expect(within(prod).getByTestId('sync-state').textContent).toBe('ok');
    expect(within(prod).queryByTestId('sync-elsewhere')).toBeNull();
  });

  it('says a cancelled wait for it stopped only the waiting, not that the sync failed', async () => {
    render(<SyncCenter />);
    const pm = await row('pm-lab');
    useSyncStore.getState().onProgress({
      runId: 31,
      profileId: 'p3',
      profileName: 'pm-lab',
      system: 'patchmon',
      state: 'cancelled',
      phase: 'cancelled',
      done: 0,
      total: null,
      records: 0,
      error: stopped,
    });
    await waitFor(() => {
      expect(within(pm).getByTestId('sync-elsewhere').textContent).toBe(stopped);
    });
    expect(within(pm).getByTestId('sync-state').textContent).toBe('running elsewhere');
    expect(pm.dataset.state).toBe('elsewhere');
  });

  it('shows the end of that sync when the core sees it end', async () => {
    const disconnect = connectSync();
    render(<SyncCenter />);
    const pm = await row('pm-lab');
    expect(within(pm).getByTestId('sync-state').textContent).toBe('running elsewhere');
    latest = {
      ...current,
      sources: current.sources.map((s) =>
        s.profileId === 'p3'
          ? { ...s, syncedElsewhere: null, dataFrom: '2026-11-24T10:00:00Z', lastStatus: 'ok' }
          : s,
      ),
    };
    // What the core says once another process's run starts or ends (inventory-handlers.ts).
    emit('inventory:changed', { reason: 'changed by another Rackside process' });
    await waitFor(() => {
      expect(within(pm).getByTestId('sync-state').textContent).toBe('ok');
    });
    expect(screen.getByTestId('sync-running').textContent).toBe('Idle');
    disconnect();
  });
});

describe('SyncCenter: a sync with warnings', () => {
  const warning = 'last update check failed: could not resolve dns name';
  const router: SourceFreshness = { ...source('p5', 'rtr-ber-05'), system: 'routeros' };
  const plain: SyncStatus = {
    running: false,
    sources: [router, source('p1', 'foreman-prod')],
    lastRuns: [
      {
        profileId: 'p5',
        runId: 20,
        status: 'ok',
        startedAt: '2026-11-22T10:59:00Z',
        finishedAt: '2026-11-22T11:00:00Z',
        durationMs: 978,
        fetched: 1,
        added: 0,
        changed: 0,
        removed: 0,
        assets: 1,
        warnings: [],
      },
    ],
  };
  // The same router synced again by `rackside sync` in another process: fine, but with a gap.
  const warned: SyncStatus = {
    ...plain,
    lastRuns: plain.lastRuns.map((r) => ({ ...r, runId: 21, warnings: [warning] })),
  };
  let latest: SyncStatus;
  let emit: (name: string, payload: unknown) => void;
  beforeEach(() => {
    latest = plain;
    ({ emit } = answeringStatus(() => latest));
  });

  it('says "ok, 1 warning" in the warning colour and lists it on request, also for a sync run by another process', async () => {
    const disconnect = connectSync();
    render(<SyncCenter />);
    const rtr = await row('rtr-ber-05');
    expect(within(rtr).getByTestId('sync-state').textContent).toBe('ok');
    expect(within(rtr).queryByTestId('sync-warnings')).toBeNull();
    latest = warned;
    // What the core says once another process's run ends (inventory-handlers.ts).
    emit('inventory:changed', { reason: 'changed by another Rackside process' });
    await waitFor(() => {
      expect(within(rtr).getByTestId('sync-state').textContent).toBe('ok, 1 warning');
    });
    expect(within(rtr).getByTestId('sync-state').className).toContain('sync-state-warned');
    expect(screen.getByTestId('sync-outcome').textContent).toBe(
      ' — Last syncs: 1 ok (1 with warnings)',
    );
    // Listed by a button, so the keyboard reaches them too; a pointer resting on it sees them.
    const toggle = within(rtr).getByRole('button', { name: 'Show warning' });
    expect(toggle.getAttribute('title')).toBe(warning);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(within(rtr).getByTestId('sync-warnings-list').textContent).toBe(warning);
    // A source whose sync had none shows none.
    const prod = await row('foreman-prod');
    expect(within(prod).queryByTestId('sync-warnings')).toBeNull();
    disconnect();
  });
});

describe('SyncCenter: a source syncing again after a failed sync', () => {
  const refused = 'Foreman GET /hostgroups?page=1: connection refused — is Foreman running?';
  const failedRun = {
    profileId: 'p7',
    runId: 70,
    status: 'failed' as const,
    startedAt: '2026-11-22T10:59:00Z',
    finishedAt: '2026-11-22T10:59:00Z',
    durationMs: 120,
    fetched: 0,
    added: 0,
    changed: 0,
    removed: 0,
    assets: 1_765,
    warnings: [],
  };
  const failed: SourceFreshness = {
    ...source('p7', 'lab-foreman'),
    lastStatus: 'failed',
    lastError: refused,
    offline: true,
    offlineReason: refused,
  };
  const running: SyncStatus = {
    running: true,
    sources: [{ ...failed, running: true }],
    lastRuns: [failedRun],
  };
  let latest: SyncStatus;
  beforeEach(() => {
    latest = running;
    answeringStatus(() => latest);
  });

  it("shows this sync's progress, with the last one's outcome muted, not its error", async () => {
    const event = {
      profileId: 'p7',
      profileName: 'lab-foreman',
      system: 'foreman' as const,
      records: 0,
    };
    // How the last sync ended, as this window saw it.
    progressBus.publish({
      ...event,
      runId: 70,
      state: 'failed',
      phase: 'failed',
      done: 0,
      total: null,
      error: refused,
    });
    render(<SyncCenter />);
    const row = (await screen.findAllByTestId('sync-row'))[0];
    if (!row) throw new Error('no row');
    expect(within(row).getByTestId('sync-state').textContent).toBe('running');
    expect(row.textContent).not.toContain('connection refused');
    expect(within(row).queryByTestId('sync-error-text')).toBeNull();
    expect(within(row).getByTestId('sync-previous').textContent).toBe('last: failed, 120 ms');
    // Its first progress not in yet: the bar does not say "failed".
    await waitFor(() => {
      expect(within(row).getByTestId('sync-progress-label').textContent).toBe('starting');
    });
    expect(within(row).getByTestId('sync-progress').dataset.state).toBe('waiting');
    progressBus.publish({
      ...event,
      runId: 71,
      state: 'running',
      phase: 'hosts',
      done: 1,
      total: 4,
      error: null,
    });
    await waitFor(() => {
      expect(within(row).getByTestId('sync-progress-label').textContent).toBe('hosts 1 of 4');
    });
    // Its end, read from the history a moment before the row stops saying running.
    latest = {
      ...running,
      lastRuns: [{ ...failedRun, runId: 71, status: 'ok', fetched: 1_765, durationMs: 6_600 }],
    };
    await act(() => useSyncStore.getState().load());
    progressBus.publish({
      ...event,
      runId: 71,
      state: 'ok',
      phase: 'done',
      done: 1,
      total: 1,
      records: 1_765,
      error: null,
    });
    await waitFor(() => {
      expect(within(row).getByTestId('sync-progress-label').textContent).toBe(
        `ok — ${(1_765).toLocaleString()} records`,
      );
    });
  });
});

describe('SyncCenter: a long error that says to check the profile', () => {
  const advice =
    "PatchMon GET /api/hosts: not a PatchMon API endpoint — it answered with a web page (text/html), not JSON. Check the profile's URL.";
  beforeEach(() => {
    answeringStatus(() => ({
      running: false,
      sources: [
        {
          ...source('p8', 'lab-patchmon'),
          system: 'patchmon',
          lastStatus: 'failed',
          lastError: advice,
          offline: true,
          offlineReason: advice,
          offlineKind: 'failed',
        },
      ],
      lastRuns: [],
    }));
    useNavStore.setState({ section: 'inventory' });
    useProfilesStore.setState({ editor: undefined, selectedId: undefined });
  });

  it('shows the whole message on request and opens the profile from its row', async () => {
    render(<SyncCenter />);
    const row = (await screen.findAllByTestId('sync-row'))[0];
    if (!row) throw new Error('no row');
    const text = within(row).getByTestId('sync-error-text');
    expect(text.textContent).toMatch(/^PatchMon GET \/api\/hosts: .*…$/);
    expect(text.textContent).not.toContain('URL');
    // A button, so the keyboard opens it as the mouse does.
    const all = within(row).getByRole('button', { name: 'Show all' });
    expect(all.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(all);
    expect(text.textContent).toBe(advice);
    expect(all.textContent).toBe('Show less');
    expect(all.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(within(row).getByRole('button', { name: 'Edit the profile lab-patchmon' }));
    expect(useNavStore.getState().section).toBe('profiles');
    expect(useProfilesStore.getState().editor).toEqual({ mode: 'edit', id: 'p8' });
    expect(useProfilesStore.getState().selectedId).toBe('p8');
  });
});
