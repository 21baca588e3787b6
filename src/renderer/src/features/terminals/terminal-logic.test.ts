import { afterEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../lib/bridge';
import { installFakeBridge } from '../../test-support/fake-bridge';
import { createAckBatcher } from './ack-batcher';
import { needsPasteWarning, pastedLineCount } from './paste';
import { QuickTarget } from '../../../../shared/ssh';
import { formatQuickTarget, parseQuickConnect } from './quick-connect';
import { shouldUseWebgl } from './renderer-choice';
import { addonSearch, noToggles, toggleForKey } from './search-options';
import { cycleTab, failureText, reconnect } from './terminal-actions';
import { move, moveShownTabToOtherPane } from './tab-layout';
import { keyCommandFor, keyLeftToApp } from './terminal-session';
import {
  describeTarget,
  initialState,
  selectors,
  useTerminalsStore,
  type TerminalTab,
} from './terminals-store';
import { openTab } from '../../test-support/terminal-tabs';
import type { PreloadApi } from '../../lib/transport';

describe('quick connect', () => {
  it('reads user@host with port 22 by default, and user@host:port', () => {
    expect(parseQuickConnect(' root@db-1.lab ')).toEqual({
      ok: true,
      target: { user: 'root', host: 'db-1.lab', port: 22 },
    });
    expect(parseQuickConnect('ops@10.0.0.5:2222')).toEqual({
      ok: true,
      target: { user: 'ops', host: '10.0.0.5', port: 2222 },
    });
    expect(parseQuickConnect('me@[fe80::1]:22')).toEqual({
      ok: true,
      target: { user: 'me', host: 'fe80::1', port: 22 },
    });
    // Without brackets an address with two colons or more is IPv6, on port 22.
    expect(parseQuickConnect('ops@::1')).toEqual({
      ok: true,
      target: { user: 'ops', host: '::1', port: 22 },
    });
    expect(parseQuickConnect('ops@fd00:1::50')).toMatchObject({ target: { host: 'fd00:1::50' } });
    // A bastion's routing user (`user:target`), as OpenSSH takes it.
    expect(parseQuickConnect('ops:web01@127.0.0.1:41097')).toEqual({
      ok: true,
      target: { user: 'ops:web01', host: '127.0.0.1', port: 41097 },
    });
    expect(
      QuickTarget.safeParse({ user: 'ops:web01', host: '127.0.0.1', port: 41097 }).success,
    ).toBe(true);
  });

  it('connects to an internationalised host name by its ASCII form', () => {
    expect(parseQuickConnect('ops@bücher.example:2222')).toEqual({
      ok: true,
      target: { user: 'ops', host: 'xn--bcher-kva.example', port: 2222 },
    });
    expect(QuickTarget.safeParse({ user: 'ops', host: 'bücher.example', port: 22 }).data).toEqual(
      expect.objectContaining({ host: 'xn--bcher-kva.example' }),
    );
    expect(parseQuickConnect('ops@bü cher')).toEqual({
      ok: false,
      message: expect.stringMatching(/ is not a host name\.$/) as unknown,
    });
  });

  it('takes -p and -l written together with their values, as ssh does', () => {
    expect(parseQuickConnect('ssh -p2222 root@127.0.0.1')).toEqual({
      ok: true,
      target: { user: 'root', host: '127.0.0.1', port: 2222 },
    });
    expect(parseQuickConnect('ssh -lops -p 22 db-1.lab')).toEqual({
      ok: true,
      target: { user: 'ops', host: 'db-1.lab', port: 22 },
    });
    expect(parseQuickConnect('ssh -pxyz root@db')).toEqual({
      ok: false,
      message: 'The port must be a number.',
    });
  });

  it('takes a pasted ssh command line for the target it names', () => {
    expect(parseQuickConnect('ssh ops@db-1.lab')).toEqual({
      ok: true,
      target: { user: 'ops', host: 'db-1.lab', port: 22 },
    });
    expect(parseQuickConnect('ssh -p 2222 ops@10.0.0.5')).toEqual({
      ok: true,
      target: { user: 'ops', host: '10.0.0.5', port: 2222 },
    });
    expect(parseQuickConnect('ssh -l root -p 2200 ::1')).toEqual({
      ok: true,
      target: { user: 'root', host: '::1', port: 2200 },
    });
    for (const [input, message] of [
      ['ssh -J bastion ops@db', 'Only -p and -l'],
      ['ssh ops@db uptime', 'one user@host'],
      ['ssh -p', '-p needs a value'],
      ['ssh db', 'Add whom to log in as'],
    ] as const) {
      const parsed = parseQuickConnect(input);
      expect(parsed.ok, input).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain(message);
    }
  });

  it('explains what is wrong instead of guessing', () => {
    for (const [input, message] of [
      ['host-only', 'Add whom to log in as: user@host-only.'],
      ['ops@fd00::zz', 'not an IPv6 address'],
      ['@host', 'user@host'],
      ['root@', 'Add a host'],
      ['root@-oProxyCommand=x', 'not a host name'],
      ['-o@host', 'not a login name'],
      ['root@host:0', '1–65535'],
      ['root@host:70000', '1–65535'],
      ['root@host:22x', 'number'],
      ['root@[::1', 'closing ]'],
      ['a b@host', 'not a login name'],
      ['root@.', '"." is not a host name'],
      ['root@..:22', '".." is not a host name'],
      // Whom to log in as is suggested only where the rest would then connect.
      ['host:99999', 'The port must be 1–65535.'],
      ['host:-1', 'The port must be a number.'],
      [':22', 'Add a host.'],
      ['a b c', '"a b c" is not a host name.'],
      ['ssh -p 99999 host', 'The port must be 1–65535.'],
      ['host:2222', 'Add whom to log in as: user@host:2222.'],
    ] as const) {
      const parsed = parseQuickConnect(input);
      expect(parsed.ok, input).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain(message);
    }
  });

  it('quotes a long mistyped input shortened, so the message fits beside the field', () => {
    const host = `${'a'.repeat(300)}!`;
    for (const input of [`ops@${host}`, host, `${'u '.repeat(100)}@host`, `ops@[${host}]`]) {
      const parsed = parseQuickConnect(input);
      expect(parsed.ok, input).toBe(false);
      if (!parsed.ok) {
        expect(parsed.message.length, parsed.message).toBeLessThanOrEqual(80);
        expect(parsed.message).toContain('…');
      }
    }
  });

  it('formats a target back the way it is typed', () => {
    expect(formatQuickTarget({ user: 'root', host: 'a', port: 22 })).toBe('root@a');
    expect(formatQuickTarget({ user: 'r', host: '::1', port: 2200 })).toBe('r@[::1]:2200');
    // A tab to an IPv6 address shows the brackets that keep the port apart.
    expect(describeTarget({ kind: 'quick', user: 'ops', host: '::1', port: 22 })).toBe(
      'ops@[::1]:22',
    );
  });
});

describe('the paste warning', () => {
  it('lets a single line through and stops anything with a line break', () => {
    expect(needsPasteWarning('ls -la')).toBe(false);
    expect(needsPasteWarning('rm -rf /tmp/x\n')).toBe(true);
    expect(needsPasteWarning('a\r\nb')).toBe(true);
    expect(needsPasteWarning('a\rb')).toBe(true);
  });

  it('counts the lines the user is about to run', () => {
    expect(pastedLineCount('one')).toBe(1);
    expect(pastedLineCount('one\n')).toBe(1);
    expect(pastedLineCount('one\ntwo\nthree')).toBe(3);
    expect(pastedLineCount('one\r\ntwo\r\n')).toBe(2);
  });
});

describe('acknowledging painted output', () => {
  function batcher(threshold: number) {
    const sent: number[] = [];
    const scheduled: (() => void)[] = [];
    const acks = createAckBatcher((count) => sent.push(count), {
      threshold,
      schedule: (flush) => scheduled.push(flush),
    });
    return { acks, sent, runScheduled: () => scheduled.splice(0).forEach((f) => f()) };
  }

  it('acknowledges every painted byte exactly once, in batches', () => {
    const { acks, sent, runScheduled } = batcher(1000);
    for (let i = 0; i < 25; i += 1) acks.painted(100);
    runScheduled();
    expect(sent.reduce((a, b) => a + b, 0)).toBe(2500);
    expect(sent.length).toBeLessThanOrEqual(3);
    expect(acks.pending()).toBe(0);
  });

  it('flushes a small remainder later instead of leaving the host waiting', () => {
    const { acks, sent, runScheduled } = batcher(1000);
    acks.painted(10);
    expect(sent).toEqual([]);
    runScheduled();
    expect(sent).toEqual([10]);
  });

  it('never acknowledges what was not painted, nor after disposal', () => {
    const { acks, sent, runScheduled } = batcher(1000);
    acks.painted(0);
    acks.painted(-5);
    acks.painted(50);
    acks.dispose();
    runScheduled();
    acks.painted(5000);
    expect(sent).toEqual([]);
  });
});

describe('the renderer choice', () => {
  it('uses WebGL only on a real GPU', () => {
    expect(shouldUseWebgl(null)).toBe(false);
    expect(shouldUseWebgl('')).toBe(false);
    expect(shouldUseWebgl('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))')).toBe(
      false,
    );
    expect(shouldUseWebgl('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(false);
    expect(shouldUseWebgl('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)')).toBe(true);
    expect(shouldUseWebgl('Mesa Intel(R) UHD Graphics 620 (KBL GT2)')).toBe(true);
  });
});

describe('the tab label', () => {
  const tab = (target: TerminalTab['target'], name: string | null = null): TerminalTab =>
    openTab('t1', target, name);

  it('names a tab after its profile or container, and a quick connection after its address', () => {
    expect(selectors.tabLabel(tab({ kind: 'profile', profileId: 'p', label: 'bastion-ber' }))).toBe(
      'bastion-ber',
    );
    expect(
      selectors.tabLabel(tab({ kind: 'lxc', nodeProfileId: 'n', vmid: 104, label: 'pve01' })),
    ).toBe('CT 104 on pve01');
    expect(selectors.tabLabel(tab({ kind: 'quick', user: 'ops', host: 'h', port: 22 }))).toBe(
      'ops@10.16.0.5:22',
    );
  });

  it('prefers the name the user gave the tab', () => {
    expect(
      selectors.tabLabel(tab({ kind: 'profile', profileId: 'p', label: 'bastion-ber' }, 'prod db')),
    ).toBe('prod db');
  });
});

describe('tab keys', () => {
  const press = (key: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) =>
    keyCommandFor({
      key,
      ctrlKey: mods.ctrl ?? true,
      shiftKey: mods.shift ?? false,
      altKey: mods.alt ?? false,
      metaKey: false,
    });

  it('maps Ctrl+PageDown/PageUp and Ctrl+Shift+W/T/K, and leaves other keys to the shell', () => {
    expect(press('PageDown')).toBe('next');
    expect(press('PageUp')).toBe('previous');
    expect(press('PageDown', { shift: true })).toBe('move-right');
    expect(press('PageUp', { shift: true })).toBe('move-left');
    expect(press('W', { shift: true })).toBe('close');
    expect(press('T', { shift: true })).toBe('duplicate');
    expect(press('K', { shift: true })).toBe('palette');
    // Ctrl+W erases a word, Ctrl+T transposes characters, Ctrl+K kills the line: the shell's.
    expect(press('w')).toBeUndefined();
    expect(press('t')).toBeUndefined();
    expect(press('k')).toBeUndefined();
    expect(press('PageDown', { ctrl: false })).toBeUndefined();
    expect(press('PageDown', { alt: true })).toBeUndefined();
  });

  it('in a browser, also takes Alt+PageDown/PageUp and Alt+Shift+W/T, which the browser leaves to the page', () => {
    expect(press('PageDown', { ctrl: false, alt: true })).toBe('next');
    expect(press('PageUp', { ctrl: false, alt: true })).toBe('previous');
    expect(press('PageDown', { ctrl: false, alt: true, shift: true })).toBe('move-right');
    expect(press('PageUp', { ctrl: false, alt: true, shift: true })).toBe('move-left');
    expect(press('W', { ctrl: false, alt: true, shift: true })).toBe('close');
    expect(press('T', { ctrl: false, alt: true, shift: true })).toBe('duplicate');
    // Alt+W is the search bar's whole-word toggle and Meta-w the shell's.
    expect(press('w', { ctrl: false, alt: true })).toBeUndefined();
  });

  it("in Rackside's own window, leaves the Alt keys to the shell", () => {
    window.rackside = {} as PreloadApi;
    try {
      expect(press('PageDown', { ctrl: false, alt: true })).toBeUndefined();
      expect(press('W', { ctrl: false, alt: true, shift: true })).toBeUndefined();
      expect(press('PageDown')).toBe('next');
      expect(press('W', { shift: true })).toBe('close');
    } finally {
      delete window.rackside;
    }
  });

  it('leaves Ctrl/Cmd+1…6 to the app, which switches sections, and the rest to the shell', () => {
    const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) =>
      keyLeftToApp({
        key: k,
        ctrlKey: mods.ctrl ?? true,
        metaKey: mods.meta ?? false,
        shiftKey: mods.shift ?? false,
        altKey: false,
      });
    expect(['1', '2', '3', '4', '5', '6'].map((k) => key(k))).toEqual(Array(6).fill(true));
    expect(key('5', { ctrl: false, meta: true })).toBe(true);
    // Ctrl+7 has no section; Ctrl+Shift+3 and a plain 3 are typing.
    expect(key('7')).toBe(false);
    expect(key('3', { shift: true })).toBe(false);
    expect(key('3', { ctrl: false })).toBe(false);
  });

  it('cycles through the tabs of the pane, wrapping around', () => {
    const tab = (key: string): TerminalTab =>
      openTab(key, { kind: 'quick', user: 'ops', host: key, port: 22 });
    useTerminalsStore.setState({
      ...initialState,
      tabs: ['a', 'b', 'c'].map(tab),
      active: ['b', null],
    });
    cycleTab('b', 1);
    expect(useTerminalsStore.getState().active[0]).toBe('c');
    cycleTab('c', 1);
    expect(useTerminalsStore.getState().active[0]).toBe('a');
    cycleTab('a', -1);
    expect(useTerminalsStore.getState().active[0]).toBe('c');
    useTerminalsStore.setState(initialState);
  });
});

describe('moving a tab', () => {
  const tab = (key: string, pane: 0 | 1): TerminalTab => ({
    ...openTab(key, { kind: 'quick', user: 'ops', host: key, port: 22 }),
    pane,
  });
  const order = (pane: 0 | 1): string[] =>
    selectors.paneTabs(useTerminalsStore.getState(), pane).map((t) => t.key);

  it('trades places with its neighbour in the same pane, past tabs of the other pane', () => {
    useTerminalsStore.setState({
      ...initialState,
      split: true,
      tabs: [tab('a', 0), tab('x', 1), tab('b', 0), tab('y', 1), tab('c', 0)],
      active: ['c', 'x'],
    });
    move('c', -1);
    expect(order(0)).toEqual(['a', 'c', 'b']);
    move('c', -1);
    expect(order(0)).toEqual(['c', 'a', 'b']);
    // The first tab stays first; the other pane keeps its order.
    move('c', -1);
    expect(order(0)).toEqual(['c', 'a', 'b']);
    move('x', 1);
    expect(order(1)).toEqual(['y', 'x']);
    useTerminalsStore.setState(initialState);
  });

  it('moves among all tabs when there is one pane', () => {
    useTerminalsStore.setState({
      ...initialState,
      tabs: [tab('a', 0), tab('b', 1), tab('c', 0)],
      active: ['c', null],
    });
    move('c', -1);
    expect(order(0)).toEqual(['a', 'c', 'b']);
    useTerminalsStore.setState(initialState);
  });

  it('to the other pane from the keyboard, splitting first when there is one pane', () => {
    useTerminalsStore.setState({
      ...initialState,
      tabs: [tab('a', 0), tab('b', 1), tab('c', 0)],
      active: ['b', null],
    });
    moveShownTabToOtherPane();
    const state = useTerminalsStore.getState();
    expect(state.split).toBe(true);
    expect([order(0), order(1)]).toEqual([['a', 'c'], ['b']]);
    // The new pane shows it and has the keyboard; the tabs it left show their last.
    expect(selectors.shownTab(state, 1)?.key).toBe('b');
    expect(selectors.shownTab(state, 0)?.key).toBe('c');
    expect(state.focusedPane).toBe(1);
    useTerminalsStore.setState(initialState);
  });
});

describe('a session that cannot start', () => {
  it('names a deleted profile instead of showing its id', () => {
    const gone = {
      code: 'not-found',
      message: 'No profile with id f7083038-0000-4000-8000-000000000001.',
    };
    expect(failureText({ kind: 'profile', profileId: 'f708', label: 'bastion-ber' }, gone)).toBe(
      'The profile "bastion-ber" was deleted. Open the terminal again from another profile.',
    );
    // Anything else is shown as the host said it.
    const refused = { code: 'unavailable', message: 'Connection refused by 10.0.0.5:22.' };
    expect(failureText({ kind: 'profile', profileId: 'p', label: 'web' }, refused)).toBe(
      refused.message,
    );
    expect(failureText({ kind: 'quick', user: 'ops', host: 'h', port: 22 }, gone)).toBe(
      gone.message,
    );
  });

  it("names a container console's deleted profile, never its node as if it were the profile", () => {
    const gone = {
      code: 'not-found',
      message: 'No profile with id f7083038-0000-4000-8000-000000000001.',
    };
    const lxcTab = { kind: 'lxc', nodeProfileId: 'f708', vmid: 101, label: 'ber-pve02' } as const;
    expect(failureText({ ...lxcTab, profileName: 'Lab SSH ber-pve02' }, gone)).toBe(
      'The profile "Lab SSH ber-pve02" was deleted. Open the container\'s console again from the inventory.',
    );
    // A tab from before the profile's name was kept with it.
    expect(failureText(lxcTab, gone)).toBe(
      "The SSH profile of the node ber-pve02 was deleted. Open the container's console again from the inventory.",
    );
  });
});

describe('reconnecting', () => {
  afterEach(() => {
    setBridge(undefined);
    useTerminalsStore.setState(initialState);
  });

  it('shows where the session went this time, after its profile was edited', async () => {
    const sessionId = 'f7083038-0000-4000-8000-000000000002';
    const closed: TerminalTab = {
      ...openTab('t1', { kind: 'profile', profileId: 'p', label: 'db' }),
      sessionId,
      title: 'root@10.0.0.5:22',
      status: { state: 'closed' },
    };
    useTerminalsStore.setState({ ...initialState, tabs: [closed], active: ['t1', null] });
    installFakeBridge((channel) => {
      if (channel !== 'ssh:reconnect') throw new Error(channel);
      return {
        id: sessionId,
        title: 'admin@10.0.0.9:2222',
        profileId: 'p',
        status: { state: 'connecting' },
        hops: [{ host: '10.0.0.9', port: 2222, username: 'admin' }],
        logFile: null,
        logStopped: null,
      };
    });
    await reconnect('t1');
    expect(useTerminalsStore.getState().tabs[0]?.title).toBe('admin@10.0.0.9:2222');
  });
});

describe('search option keys', () => {
  it('are Alt+C, Alt+W and Alt+R by the physical key, so Option+C on a Mac ("ç") counts too', () => {
    const press = (key: string, code: string, mods: { ctrl?: boolean; shift?: boolean } = {}) =>
      toggleForKey({
        key,
        code,
        altKey: true,
        ctrlKey: mods.ctrl ?? false,
        shiftKey: mods.shift ?? false,
        metaKey: false,
      });
    expect(press('c', 'KeyC')).toBe('caseSensitive');
    expect(press('ç', 'KeyC')).toBe('caseSensitive');
    expect(press('w', 'KeyW')).toBe('wholeWord');
    expect(press('r', 'KeyR')).toBe('regex');
    expect(press('c', 'KeyC', { ctrl: true })).toBeUndefined();
    expect(press('C', 'KeyC', { shift: true })).toBeUndefined();
    expect(press('x', 'KeyX')).toBeUndefined();
  });
});

describe('whole-word search', () => {
  /** Every match of what the addon is given, as its regular-expression search finds them. */
  const matches = (query: string, line: string, toggles = noToggles): string[] => {
    const { term, options } = addonSearch(query, toggles);
    if (!options.regex) return line.includes(query) ? [query] : [];
    return [...line.matchAll(new RegExp(term, options.caseSensitive ? 'g' : 'gi'))].map(
      (match) => `${String(match.index)}:${match[0]}`,
    );
  };

  it('matches every whole word of a line, past a longer word that contains it', () => {
    const whole = { ...noToggles, wholeWord: true };
    expect(matches('foo', 'foo foobar (foo) xfoo FOO', whole)).toEqual([
      '0:foo',
      '12:foo',
      '22:FOO',
    ]);
    expect(matches('foo', 'foo FOO', { ...whole, caseSensitive: true })).toEqual(['0:foo']);
  });

  it('takes the text literally, or as a regular expression with that option', () => {
    const whole = { ...noToggles, wholeWord: true };
    expect(matches('a.b', 'a.b axb', whole)).toEqual(['0:a.b']);
    expect(matches('a.b|c', 'axb c a.b|c', { ...whole, regex: true })).toEqual([
      '0:axb',
      '4:c',
      '6:a.b',
      '10:c',
    ]);
  });
});
