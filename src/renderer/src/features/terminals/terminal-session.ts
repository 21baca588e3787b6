import { assertNever } from '../../../../shared/errors';
import { matches, type ShortcutId } from '../../app/shortcuts';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import {
  openTerminalChannel,
  type InputNotSent,
  type TerminalChannel,
} from '../../lib/terminal-channel';
import { createAckBatcher, type AckBatcher } from './ack-batcher';
import { createOutputPacer, type OutputPacer } from './output-pacer';
import { needsPasteWarning } from './paste';
import { probeWebglRenderer, shouldUseWebgl } from './renderer-choice';
import { countedMatchLimit } from './search-options';
import type { TerminalSettings } from './terminals-store';

export interface SessionHooks {
  /** Keystrokes and pastes typed into this terminal (the caller may broadcast them). */
  input(data: string): void;
  /**
   * The terminal's own answers to the program in it (cursor position, device attributes): for
   * this terminal's session alone, never broadcast — another tab's program did not ask.
   */
  reply(data: string): void;
  /** The terminal's size changed (after fitting). */
  resized(cols: number, rows: number): void;
  /** A paste with line breaks waits for the user's confirmation. */
  confirmPaste(text: string): void;
  /** Ctrl+Shift+F. */
  openSearch(): void;
  /** App keys in a terminal: Ctrl+PageDown / Ctrl+PageUp, Ctrl+Shift+W, Ctrl+Shift+T, Ctrl+Shift+K. */
  keyCommand(command: KeyCommand): void;
  /**
   * The terminal's stream stopped while its session lives on (see `TerminalChannel.onLost`): the
   * caller asks the host for the stream again and calls `reattach`.
   */
  streamLost(): void;
}

export type KeyCommand =
  'next' | 'previous' | 'move-right' | 'move-left' | 'close' | 'duplicate' | 'palette';

/** The shortcut each terminal command is bound to (GNOME Terminal's tab keys, Ctrl+Shift+K). */
const keyCommands: readonly (readonly [ShortcutId, KeyCommand])[] = [
  ['terminal-next', 'next'],
  ['terminal-previous', 'previous'],
  ['terminal-move-right', 'move-right'],
  ['terminal-move-left', 'move-left'],
  ['terminal-close', 'close'],
  ['terminal-duplicate', 'duplicate'],
  ['terminal-palette', 'palette'],
];

/**
 * The app command a key press in a terminal means, if any. The palette is Ctrl+Shift+K there:
 * plain Ctrl+K belongs to the shell (kill to the end of the line).
 */
export function keyCommandFor(
  event: Pick<KeyboardEvent, 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'key'>,
): KeyCommand | undefined {
  return keyCommands.find(([id]) => matches(id, event))?.[1];
}

/**
 * Keys a terminal leaves to the app: Ctrl/⌘ 1…6 switch sections from anywhere, as everywhere
 * else. xterm.js would turn Ctrl+3…6 into ESC, ^\\, ^] and ^^, which have keys of their own.
 */
export function keyLeftToApp(
  event: Pick<KeyboardEvent, 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'key'>,
): boolean {
  return matches('section', event);
}

/** The part of xterm.js's core that tells typed input from the terminal's own answers. */
interface CoreWithUserInput {
  _core?: { coreService?: { onUserInput?: (listener: () => void) => unknown } };
}

/**
 * Whether the data xterm.js is about to hand over was typed (or pasted, or a mouse report) or is
 * the terminal answering a query from the program in it: xterm.js marks user input just before
 * the data event, and its public API does not say which. `take()` reads and clears the mark.
 * Null when this xterm.js has no such mark: every event then counts as typed, as before.
 */
function userInputSignal(term: Terminal): { take(): boolean } | null {
  const coreService = (term as unknown as CoreWithUserInput)._core?.coreService;
  if (typeof coreService?.onUserInput !== 'function') return null;
  let marked = false;
  coreService.onUserInput(() => {
    marked = true;
  });
  return {
    take() {
      const was = marked;
      marked = false;
      return was;
    },
  };
}

/** What the terminal says about typing that was not sent. */
export function notSentMessage({ cause, bytes }: InputNotSent): string {
  const typed =
    bytes === null
      ? null
      : `${String(bytes)} ${bytes === 1 ? 'byte typed was' : 'bytes typed were'}`;
  switch (cause) {
    case 'refused':
      return typed === null
        ? "Some of what was typed last may not have been sent: Rackside's local server refused it as malformed"
        : `The last ${typed} not sent: Rackside's local server refused ${bytes === 1 ? 'it' : 'them'} as malformed`;
    case 'refused-port':
      return typed === null
        ? "Some of what was typed last may not have been sent: Rackside refused it as malformed and closed this terminal's stream (it is open again)"
        : `The last ${typed} not sent: Rackside refused ${bytes === 1 ? 'it' : 'them'} as malformed and closed this terminal's stream (it is open again)`;
    case 'closed':
      return `${typed ?? 'What was typed was'} not sent: this terminal's stream closed and could not be opened again`;
    case 'reader-failed': {
      const what =
        bytes === null
          ? 'What was typed last'
          : `${String(bytes)} ${bytes === 1 ? 'byte' : 'bytes'} typed`;
      return `${what} may not have been sent: the page's terminal reader failed, and this terminal's output is shown again`;
    }
    default:
      return assertNever(cause);
  }
}

let webglVerdict: boolean | undefined;

/** Decided once per window: WebGL only when the GPU is real. */
function webglWanted(): boolean {
  webglVerdict ??= shouldUseWebgl(probeWebglRenderer());
  return webglVerdict;
}

/**
 * One tab's xterm.js and its byte stream, kept outside React so switching sections or tabs keeps
 * the scrollback. Output is written straight into xterm.js and acknowledged from its write
 * callback — high-frequency data never passes through a store.
 */
export class TerminalSession {
  readonly term: Terminal;
  readonly search = new SearchAddon({ highlightLimit: countedMatchLimit });
  private readonly fit = new FitAddon();
  private channel: TerminalChannel | null = null;
  private acks: AckBatcher | null = null;
  private pacer: OutputPacer | null = null;
  private offData: (() => void) | null = null;
  private offLost: (() => void) | null = null;
  private offNotSent: (() => void) | null = null;
  private host: HTMLElement | null = null;
  private observer: ResizeObserver | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Said about input when the stream was lost: written once the screen is rebuilt. */
  private lostNotice: string | null = null;

  constructor(
    settings: TerminalSettings,
    private readonly hooks: SessionHooks,
  ) {
    this.term = new Terminal({
      allowProposedApi: true,
      fontFamily: settings.fontFamily,
      fontSize: settings.fontSize,
      scrollback: 10_000,
      cursorBlink: true,
      convertEol: false,
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    this.term.loadAddon(
      new WebLinksAddon((_event, uri) => {
        // Only web links leave the app, through the host's own external-link policy.
        if (/^https?:\/\//i.test(uri)) window.open(uri, '_blank', 'noopener,noreferrer');
      }),
    );
    const typed = userInputSignal(this.term);
    this.term.onData((data) => {
      if (typed === null || typed.take()) this.hooks.input(data);
      else this.hooks.reply(data);
    });
    this.term.onResize(({ cols, rows }) => {
      clearTimeout(this.resizeTimer);
      this.resizeTimer = setTimeout(() => {
        this.hooks.resized(cols, rows);
      }, 80);
    });
    this.term.attachCustomKeyEventHandler((event) => this.onKey(event));
  }

  /**
   * Connects the terminal to a session's stream (again, after a new session id); with `replay`,
   * to one an earlier window showed, whose latest output is written first.
   */
  connect(sessionId: string, options: { replay?: boolean } = {}): void {
    this.offData?.();
    this.offLost?.();
    this.offNotSent?.();
    this.pacer?.drain();
    this.pacer?.dispose();
    this.acks?.dispose();
    this.channel?.close();
    const channel = openTerminalChannel(sessionId, options);
    const acks = createAckBatcher((count) => {
      channel.ack(count);
    });
    this.channel = channel;
    this.acks = acks;
    const pacer = createOutputPacer(
      (bytes, done) => {
        this.term.write(bytes, done);
      },
      (count) => {
        acks.painted(count);
      },
      channel.joined ? { interval: 0 } : {},
    );
    this.pacer = pacer;
    this.offData = channel.onData((bytes) => {
      pacer.push(bytes);
    });
    this.offLost = channel.onLost(() => {
      this.hooks.streamLost();
      // Said here if the tab did not take its stream back (`reattach` says it on the new screen).
      this.writeLostNotice();
    });
    this.offNotSent = channel.onInputNotSent((notice) => {
      const line = `\r\n\x1b[2m[${notSentMessage(notice)}]\x1b[0m\r\n`;
      // Reported just before the stream is lost, whose screen is then cleared and rebuilt.
      if (notice.cause === 'reader-failed') this.lostNotice = line;
      else this.term.write(line);
    });
  }

  /**
   * Connects again to the same session after its stream was lost: the screen is cleared (a full
   * reset, written after whatever the lost stream had already delivered) and rebuilt from the
   * session's latest output, which the next stream replays first — nothing shown twice.
   */
  reattach(sessionId: string): void {
    this.connect(sessionId, { replay: true });
    this.term.write('\x1bc');
    this.writeLostNotice();
  }

  private writeLostNotice(): void {
    if (this.lostNotice === null) return;
    this.term.write(this.lostNotice);
    this.lostNotice = null;
  }

  /** Sends input to this terminal's session. */
  send(data: string): void {
    this.channel?.send(data);
  }

  /** Places the terminal in `element` (first time: opens xterm.js there) and fits it. */
  mount(element: HTMLElement): void {
    if (this.disposed) return;
    this.host = element;
    if (this.term.element === undefined) {
      this.term.open(element);
      element.addEventListener('paste', this.onPaste, true);
      if (webglWanted()) void this.loadWebgl();
    } else if (this.term.element.parentElement !== element) {
      element.appendChild(this.term.element);
      element.addEventListener('paste', this.onPaste, true);
    }
    this.observer?.disconnect();
    this.observer = new ResizeObserver(() => {
      this.refit();
    });
    this.observer.observe(element);
    this.refit();
  }

  unmount(element: HTMLElement): void {
    element.removeEventListener('paste', this.onPaste, true);
    if (this.host === element) {
      this.observer?.disconnect();
      this.observer = null;
      this.host = null;
    }
  }

  refit(): void {
    if (this.host === null || this.host.clientWidth === 0 || this.host.clientHeight === 0) return;
    try {
      this.fit.fit();
    } catch {
      // Not measurable yet (hidden pane); the next observed resize fits it.
    }
  }

  applySettings(settings: TerminalSettings): void {
    this.term.options.fontFamily = settings.fontFamily;
    this.term.options.fontSize = settings.fontSize;
    this.refit();
  }

  focus(): void {
    this.term.focus();
  }

  /** Pastes through xterm.js, which wraps it in bracketed-paste markers when the app asked. */
  paste(text: string): void {
    this.term.paste(text);
  }

  async copySelection(): Promise<boolean> {
    const text = this.term.getSelection();
    if (text === '') return false;
    await navigator.clipboard.writeText(text);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.resizeTimer);
    this.observer?.disconnect();
    this.offData?.();
    this.offLost?.();
    this.offNotSent?.();
    this.pacer?.dispose();
    this.acks?.dispose();
    this.channel?.close();
    this.term.dispose();
  }

  private readonly onPaste = (event: ClipboardEvent): void => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    if (!needsPasteWarning(text)) return;
    event.preventDefault();
    event.stopPropagation();
    this.hooks.confirmPaste(text);
  };

  private onKey(event: KeyboardEvent): boolean {
    if (event.type !== 'keydown') return true;
    if (keyLeftToApp(event)) return false;
    const command = keyCommandFor(event);
    if (command !== undefined) {
      event.preventDefault();
      this.hooks.keyCommand(command);
      return false;
    }
    if (matches('terminal-search', event)) {
      event.preventDefault();
      this.hooks.openSearch();
      return false;
    }
    // Let the browser's own paste happen (it arrives as a paste event, checked above).
    if (matches('terminal-paste', event)) return false;
    if (matches('terminal-copy', event)) {
      event.preventDefault();
      void this.copySelection().catch(() => undefined);
      return false;
    }
    return true;
  }

  private async loadWebgl(): Promise<void> {
    try {
      const { WebglAddon } = await import('@xterm/addon-webgl');
      if (this.disposed) return;
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose();
      });
      this.term.loadAddon(webgl);
    } catch {
      // The DOM renderer stays.
    }
  }
}
