import { PassThrough } from 'node:stream';
import type { CliIo } from './cli-io';
import { runCli } from './run-cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with the given stdin text and environment. */
export async function cli(
  argv: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; onInterrupt?: CliIo['onInterrupt'] } = {},
): Promise<CliRun> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(options.stdin ?? '');
  const code = await runCli(argv, {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    ...(options.onInterrupt === undefined ? {} : { onInterrupt: options.onInterrupt }),
  });
  return { code, stdout: out, stderr: err };
}
