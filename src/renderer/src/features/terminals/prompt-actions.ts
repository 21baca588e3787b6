import { toast } from 'sonner';
import type { AppErrorShape } from '../../../../shared/errors';
import type { PromptAnswer } from '../../../../shared/ssh';
import { bridge } from '../../lib/bridge';
import { formatHostPort } from './quick-connect';
import { useTerminalsStore } from './terminals-store';

// What a session asks of the user, and the host keys it remembers: answering, forgetting.

/** Answers an SSH question (host key, password, one-time code); it leaves the dialog at once. */
export async function answerPrompt(promptId: string, answer: PromptAnswer): Promise<void> {
  useTerminalsStore.setState((state) => ({
    prompts: state.prompts.filter((p) => p.promptId !== promptId),
  }));
  const result = await bridge().call('ssh:answer', { promptId, answer });
  if (!result.ok && result.error.code !== 'not-found') {
    toast.error(`Could not answer: ${result.error.message}`);
  }
}

/** Forgets the stored keys of `host`:`port`; the error when it could not. */
export async function forgetHostKey(host: string, port: number): Promise<AppErrorShape | null> {
  const result = await bridge().call('ssh:forget-host-key', { host, port });
  if (!result.ok) return result.error;
  toast.success(
    `Forgot ${String(result.data.removed)} stored key${result.data.removed === 1 ? '' : 's'} for ${formatHostPort(host, port)}.`,
  );
  return null;
}
