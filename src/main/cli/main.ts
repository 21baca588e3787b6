import { runCli } from './run-cli';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// A name lookup that the reachability check stopped waiting for cannot be cancelled: do not let
// it keep the answered command from exiting.
setTimeout(() => process.exit(), 200).unref();
