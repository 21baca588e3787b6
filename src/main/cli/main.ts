import { runCli } from './run-cli';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// A name lookup that the reachability check stopped waiting for cannot be cancelled: do not let
// it keep the answered command from exiting — once all output is written (a pipe may still be
// taking it).
const exitWhenWritten = (): void => {
  const pending = [process.stdout, process.stderr].find((stream) => stream.writableLength > 0);
  if (pending === undefined) process.exit();
  else pending.once('drain', exitWhenWritten);
};
setTimeout(exitWhenWritten, 200).unref();
