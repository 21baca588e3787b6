import { foremanConnector } from '../sources/foreman';
import { patchmonConnector } from '../sources/patchmon';
import { createProxmoxConnector, proxmoxConnector, type OtpProvider } from '../sources/proxmox';
import { routerosConnector } from '../sources/routeros/connector';
import type { ConnectorSet } from './sync-engine';

export interface ConnectorChoices {
  /**
   * Asks the person for a one-time code when a Proxmox VE profile logs in with TOTP. Without it
   * such a profile fails with a message saying no code was given.
   */
  otp?: OtpProvider;
}

/** The connectors of this build, one per source system. */
export function defaultConnectors(choices: ConnectorChoices = {}): ConnectorSet {
  return {
    foreman: foremanConnector,
    patchmon: patchmonConnector,
    proxmox:
      choices.otp === undefined ? proxmoxConnector : createProxmoxConnector({ otp: choices.otp }),
    routeros: routerosConnector,
  };
}
