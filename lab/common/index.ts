/**
 * Helpers every lab simulator shares:
 *
 * - `createLabTls()` once per lab run → self-signed and CA-signed certificates (`tlsFor`).
 * - `startHttpServer({ handler, tls, faults })` → `{ url, port, close() }` on 127.0.0.1:0, where
 *   `handler` maps a fully read `LabRequest` to a `LabResponse` value (`json()`, `text()`).
 * - `new FaultInjector(plan, 'proxmox', { error, tooManyRequests })` → pass as `faults`; it
 *   delays, hangs, fails or corrupts responses and marks `req.credentialFault` as the plan says.
 * - `trustingDispatcher(material)` for tests and clients: an undici Agent trusting that cert.
 */
export * from './tls';
export * from './http';
export * from './faults';
export { trustingDispatcher } from './client';
