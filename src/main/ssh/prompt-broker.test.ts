import { describe, expect, it } from 'vitest';
import { PromptBroker } from './prompt-broker';
import type { HostKeyQuestion, SessionPrompt } from './session-types';

const question: HostKeyQuestion = {
  host: 'web.example',
  port: 22,
  hop: 0,
  keyType: 'ssh-ed25519',
  fingerprint: 'SHA256:/DDRsF0gRuQokrHm/ZkHH6XbCJbsY09ybOJg3sGvRyc',
  otherKnown: [],
};

describe('the prompt broker', () => {
  it('shows no dialog for a tab waiting on a host-key question when all sessions close at once', async () => {
    const shown: SessionPrompt[] = [];
    const closed: string[] = [];
    const broker = new PromptBroker(
      (prompt) => {
        shown.push(prompt);
        return true;
      },
      (promptId) => closed.push(promptId),
    );
    const asking = broker.ask('tab-1', { kind: 'host-key', question });
    const waiting = broker.ask('tab-2', { kind: 'host-key', question });
    expect(shown).toHaveLength(1);
    // The SSH worker stopped (or the app quits): every session closes in one go.
    broker.cancelSession('tab-1');
    broker.cancelSession('tab-2');
    await expect(Promise.all([asking, waiting])).resolves.toEqual([
      { kind: 'cancel' },
      { kind: 'cancel' },
    ]);
    expect(shown.map((p) => p.sessionId)).toEqual(['tab-1']);
    expect(closed).toEqual([shown[0]?.promptId]);
  });
});
