import { spawn } from 'node:child_process';

/**
 * Runs a TypeScript child script and SIGKILLs it a random moment (up to `maxDelayMs`) after its
 * first line of progress — the crash the durability tests recover from. Rejects if the child
 * exits by itself, since then nothing was interrupted.
 */
export function runAndKill(script: string, args: string[], maxDelayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.once('data', () => {
      setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * maxDelayMs));
    });
    proc.once('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited without being killed: ${stderr}`));
    });
  });
}
