import { createBridge, setBridge } from '../lib/bridge';

export interface BridgeCall {
  channel: string;
  request: unknown;
}

/**
 * A bridge to no core: `answer` gives a command's data, `undefined` leaves the command waiting
 * forever (a core still working), and a channel it throws for fails as an unknown channel.
 * Every call is recorded in the returned list.
 */
export function installFakeBridge(
  answer: (channel: string, request: unknown) => unknown,
): BridgeCall[] {
  const calls: BridgeCall[] = [];
  setBridge(
    createBridge({
      invoke: (channel, request) => {
        calls.push({ channel, request });
        try {
          const data = answer(channel, request);
          return data === undefined
            ? new Promise(() => undefined)
            : Promise.resolve({ ok: true, data });
        } catch {
          return Promise.resolve({
            ok: false,
            error: { code: 'unknown-channel', message: channel },
          });
        }
      },
      on: () => () => undefined,
    }),
  );
  return calls;
}

/** For a command the test does not expect: the bridge answers it as an unknown channel. */
export function unknownChannel(channel: string): never {
  throw new Error(`no fake answer for ${channel}`);
}
