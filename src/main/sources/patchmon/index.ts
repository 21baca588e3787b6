/**
 * The PatchMon source: hosts with patch stats and host groups from the scoped integration API,
 * with info, network and system details — normalized into `SourceRecord`s (reference/patchmon.md).
 */
export { createPatchmonConnector, patchmonConnector } from './connector';
export type { PatchmonConnectorOptions } from './connector';
export { apiBaseUrl, openPatchmon, patchmonSystem } from './client';
