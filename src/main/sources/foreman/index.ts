/**
 * The Foreman source: hosts with details and facts, host groups, organizations, locations,
 * compute resources and operating systems — normalized into `SourceRecord`s (reference/foreman.md).
 */
export { createForemanConnector, foremanConnector } from './connector';
export type { ForemanConnectorOptions } from './connector';
export { ForemanClient, apiBaseUrl, foremanSystem } from './client';
export type { ForemanSyncOptions } from './sync';
