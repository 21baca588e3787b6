import type { TerminalChannel } from '../terminal-channel';

/**
 * For component tests whose sessions' bytes are not under test (`vi.mock` of the real module):
 * every stream carries nothing.
 */
export function openTerminalChannel(): TerminalChannel {
  return {
    onData: () => () => undefined,
    onLost: () => () => undefined,
    onInputNotSent: () => () => undefined,
    send: () => undefined,
    ack: () => undefined,
    close: () => undefined,
    joined: false,
  };
}

export function prepareTerminalChannels(): void {
  // Nothing to prepare: no ports arrive in tests.
}

export function singleWindowHost(): boolean {
  return false;
}
