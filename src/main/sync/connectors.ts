import { foremanConnector } from '../sources/foreman';
import { patchmonConnector } from '../sources/patchmon';
import { proxmoxConnector } from '../sources/proxmox';
import { routerosConnector } from '../sources/routeros/connector';
import type { ConnectorSet } from './sync-engine';

/** The connectors of this build, one per source system. */
export function defaultConnectors(): ConnectorSet {
  return {
    foreman: foremanConnector,
    patchmon: patchmonConnector,
    proxmox: proxmoxConnector,
    routeros: routerosConnector,
  };
}
