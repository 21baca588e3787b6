/**
 * The Proxmox VE source: cluster resources, guest configs, LXC interfaces and guest-agent
 * addresses, node status — normalized into `SourceRecord`s (reference/proxmox.md).
 */
export { createProxmoxConnector, proxmoxConnector } from './connector';
export type { ProxmoxConnectorOptions } from './connector';
export type { OtpProvider } from './auth';
export { ProxmoxClient, apiBaseUrl } from './client';
export { noGuestIpsWarning } from './guest-details';
