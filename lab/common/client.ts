/** Client-side helper for tests and tools: an undici dispatcher that trusts one lab certificate. */
import { Agent } from 'undici';
import type { TlsMaterial } from './tls';

export function trustingDispatcher(material: Pick<TlsMaterial, 'trust'>): Agent {
  return new Agent({ connect: { ca: material.trust }, keepAliveTimeout: 1000 });
}
