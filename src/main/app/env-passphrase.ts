/**
 * Takes `RACKSIDE_PASSPHRASE` out of the environment (so no child process inherits it) and returns
 * it, for hosts started by scripts — the demo launcher — that should open already unlocked.
 */
export function takeEnvPassphrase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.RACKSIDE_PASSPHRASE;
  delete env.RACKSIDE_PASSPHRASE;
  return value === undefined || value === '' ? undefined : value;
}
