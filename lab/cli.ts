/**
 * `npm run lab -- --size N --seed S [--faults PROFILE] [--tls self-signed|ca] [--manifest FILE]
 * [--truth FILE]`: starts every simulator, prints endpoints and credentials, writes the profile
 * manifest and ground truth when asked, prints `lab ready`, and stops cleanly on SIGINT/SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { faultProfileNames, isFaultProfileName } from './common/faults';
import { MAX_FLEET_SIZE, MIN_FLEET_SIZE } from './fleet';
import { startLab, type Lab } from '.';

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function describe(lab: Lab): string[] {
  const lines: string[] = [];
  const f = lab.fleet;
  lines.push(
    `fleet: ${f.size} assets, seed ${f.seed} (${f.proxmox.guests.length} guests, ${f.foreman.hosts.length} Foreman hosts, ${f.patchmon.hosts.length} PatchMon hosts, ${f.routeros.devices.length} routers)`,
  );
  lines.push(`tls: ${lab.tlsMode}, certificate sha256 ${tlsFingerprint(lab)}`);
  if (lab.foreman) {
    const c = lab.foreman.credentials;
    lines.push(
      `foreman   ${lab.foreman.url}  ${c.username} / ${c.password}  (PAT ${c.personalAccessToken})`,
    );
  }
  for (const p of lab.proxmox) {
    lines.push(
      `proxmox   ${p.url}  ${p.name}  root@pam / ${p.root.password}  token ${p.token.tokenid}=${p.token.secret}`,
    );
  }
  if (lab.patchmon) {
    const c = lab.patchmon.credentials;
    lines.push(
      `patchmon  ${lab.patchmon.url}  ${c.username} / ${c.password}  api ${c.api.key}:${c.api.secret}`,
    );
  }
  for (const r of lab.routeros?.devices ?? []) {
    lines.push(
      `routeros  ${r.identity}  api 127.0.0.1:${r.apiPort}  api-ssl 127.0.0.1:${r.apiSslPort}  ${r.restUrl}  ${r.username} / ${r.password}`,
    );
  }
  if (lab.ssh) {
    const ssh = lab.ssh;
    for (const site of ssh.sites) {
      lines.push(
        `ssh       ${site.location} 127.0.0.1:${site.port}  ${site.targets} machines, log in as user:machine (ops:<name>, root:<pve node>, admin:<router>); plain ops → ${site.bastion} (${site.bastionIp})  host key ${site.hostKey.fingerprint}`,
      );
    }
    lines.push(
      `ssh       root/ops password ${ssh.password}; pve nodes take their cluster's root@pam password; routers their RouterOS password`,
    );
    if (ssh.mfa) {
      lines.push(
        `ssh       ${ssh.mfa.host} wants keyboard-interactive: password, then a TOTP code (secret ${ssh.mfa.totpSecret})`,
      );
    }
  }
  for (const notice of lab.routeros?.notices ?? []) lines.push(`notice: ${notice}`);
  return lines;
}

function tlsFingerprint(lab: Lab): string {
  return lab.tlsMode === 'ca' ? lab.tls.caSigned.fingerprint256 : lab.tls.selfSigned.fingerprint256;
}

async function main(): Promise<void> {
  const program = new Command('lab')
    .description('Simulated Foreman, Proxmox VE, PatchMon and RouterOS over one seeded fleet')
    .option('--size <n>', 'number of assets', integer(MIN_FLEET_SIZE, MAX_FLEET_SIZE), 300)
    .option('--seed <n>', 'fleet and fault seed', integer(0, 2 ** 32 - 1), 1)
    .addOption(new Option('--faults <profile>', 'fault profile').choices([...faultProfileNames]))
    .addOption(
      new Option('--tls <mode>', 'certificate')
        .choices(['self-signed', 'ca'])
        .default('self-signed'),
    )
    .option('--manifest <file>', 'write the profile manifest here')
    .option('--truth <file>', 'write the ground truth here')
    .parse();
  const o = program.opts<{
    size: number;
    seed: number;
    faults?: string;
    tls: 'self-signed' | 'ca';
    manifest?: string;
    truth?: string;
  }>();
  const faults = o.faults !== undefined && isFaultProfileName(o.faults) ? o.faults : null;
  const lab = await startLab({ size: o.size, seed: o.seed, faults, tlsMode: o.tls });
  const stop = () => {
    void lab.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const line of describe(lab)) console.log(line);
  if (o.manifest !== undefined) {
    const path = resolve(o.manifest);
    let caFile: string | undefined;
    if (o.tls === 'ca') {
      caFile = `${path}.ca.pem`;
      writeFileSync(caFile, lab.tls.ca.cert, { mode: 0o600 });
    }
    writeFileSync(path, `${JSON.stringify(lab.manifest(caFile), null, 2)}\n`, { mode: 0o600 });
    console.log(`manifest: ${path}`);
    if (lab.ssh) {
      // The lab client key as a file, for `ssh -i` and other tools outside Rackside.
      writeFileSync(`${path}.id_ed25519`, lab.ssh.clientKey.privateKey, { mode: 0o600 });
      console.log(`ssh key: ${path}.id_ed25519`);
    }
  }
  if (o.truth !== undefined) {
    const path = resolve(o.truth);
    writeFileSync(
      path,
      `${JSON.stringify({ seed: o.seed, size: o.size, machines: lab.truth() })}\n`,
    );
    console.log(`truth: ${path}`);
  }
  console.log('lab ready');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
