import { isInsecure, type ProbeResult, type ProfileView } from '../../shared/profiles';
import type { LoginTest } from '../../shared/inventory';
import { table } from './inventory-format';

function target(profile: ProfileView): string {
  const c = profile.connection;
  switch (c.kind) {
    case 'foreman':
    case 'proxmox':
    case 'patchmon':
      return c.url;
    case 'routeros':
      return `${c.transport}://${c.host}${c.port === null ? '' : `:${c.port}`}`;
    case 'ssh':
      return `${c.username}@${c.host}:${c.port}`;
  }
}

/**
 * The table of `profiles list`, with a header row as `inventory`'s; on a terminal narrower than
 * `width`, a block of `HEADER:  value` lines a profile.
 */
export function formatList(profiles: ProfileView[], width = Infinity): string {
  if (profiles.length === 0) return 'No profiles.';
  return table(
    ['NAME', 'KIND', 'FOLDER', 'TARGET'],
    profiles.map((p) => [
      p.name,
      p.connection.kind,
      p.folder || '-',
      target(p) + (isInsecure(p.connection) ? '  [INSECURE]' : ''),
    ]),
    width,
  );
}

export function formatProfile(profile: ProfileView): string {
  const secrets = Object.entries(profile.hasSecret)
    .map(([field, has]) => `${field}=${has ? 'stored' : 'missing'}`)
    .join(', ');
  return [
    `name:       ${profile.name}`,
    `id:         ${profile.id}`,
    `kind:       ${profile.connection.kind}`,
    `target:     ${target(profile)}`,
    `folder:     ${profile.folder || '-'}`,
    `tags:       ${profile.tags.join(', ') || '-'}`,
    `secrets:    ${secrets || '-'}`,
    ...(profile.keptSecrets.length > 0
      ? [`kept:       ${profile.keptSecrets.join(', ')} (not used with these settings)`]
      : []),
    ...(isInsecure(profile.connection) ? ['WARNING:    TLS verification is switched off'] : []),
    `settings:   ${JSON.stringify(profile.connection)}`,
    ...(profile.notes ? [`notes:      ${profile.notes}`] : []),
  ].join('\n');
}

export function formatProbe(result: ProbeResult): string {
  const lines = result.steps.map(
    // The time in a column of its own: a message ends with its own full stop.
    (s) =>
      `${s.ok ? 'ok  ' : 'FAIL'} ${s.stage.padEnd(4)} ${`${String(Math.round(s.ms))} ms`.padStart(8)}  ${s.message}`,
  );
  const cert = result.certificate;
  if (cert !== null) {
    lines.push(
      `certificate subject: ${cert.subject}`,
      `            issuer:  ${cert.issuer}`,
      `            valid:   ${cert.validFrom} .. ${cert.validTo}`,
      `            SHA-256: ${cert.fingerprint256}`,
    );
  }
  if (result.ssh !== null) lines.push(`host key: ${result.ssh.keyType} ${result.ssh.fingerprint}`);
  return lines.join('\n');
}

/** A login test: the version and identity, then what the credential may and may not see. */
export function formatLoginTest(test: LoginTest): string {
  return [
    `${test.version}, logged in as ${test.identity}`,
    ...test.permissions.map((p) => `ok   ${p}`),
    ...test.warnings.map((w) => `WARN ${w}`),
  ].join('\n');
}
