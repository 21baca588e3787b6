/**
 * Proxmox VE API simulator (reference/proxmox.md). `startProxmox({ cluster, tls, faults })`
 * serves one cluster at `/api2/json` (and `/api2/extjs`) over HTTPS on 127.0.0.1; the result
 * carries the URL, the certificate fingerprint and ready credentials (root@pam password, a root
 * token, a least-privilege token and a read-only token).
 */
export { startProxmox, startProxmoxFleet, createRouter } from './server';
export type { ProxmoxOptions, ProxmoxServer } from './server';
export type { SeededAccess, TokenCredential } from './seed-access';
export { clusterFromFleet, clusterNames } from './fleet-adapter';
export type { SimCluster, SimGuest, SimNode, SimNic, SimStorage, SimPool } from './model';
export { formatUpid, parseUpid } from './tasks';
