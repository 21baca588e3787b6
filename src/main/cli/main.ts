import { runCli } from './run-cli';

// A reader that stops early (`rackside inventory | head`) closes the pipe. Stop quietly with the
// status of a command ended by SIGPIPE, as other command-line tools do, instead of dying on an
// unhandled EPIPE with a stack trace. Any other failure to write (a full disk) is one line.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    if (stream === process.stdout) {
      process.stderr.write(`rackside: cannot write the output: ${error.message}\n`);
    }
    process.exit(1);
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  // Touched only when a command reads stdin to its end or prompts on a terminal: over a pipe,
  // Node's stream reads ahead (and makes the pipe non-blocking), taking lines of a script's input
  // meant for the commands after this one. A passphrase line is read from fd 0 instead.
  get stdin() {
    return process.stdin;
  },
  stdinFd: 0,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt: (handler) => {
    const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => handler(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  },
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
