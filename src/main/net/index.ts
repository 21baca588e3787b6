/**
 * Networking for source connectors: one HTTP client factory (undici, per-profile TLS trust,
 * timeouts, retries, size caps, zod-validated JSON) and its typed errors.
 */
export { HttpClient, httpDefaults, type HttpClientOptions, type RequestEvent } from './http-client';
export type { HttpMethod, HttpResponse, RequestOptions } from './http-client';
export { HttpError, isHttpError, type HttpFailure, type HttpErrorDetails } from './errors';
export { formatPath } from './json';

import { HttpClient, type HttpClientOptions } from './http-client';

/** Creates the client for one profile; reads the CA file, if any, once. */
export function createHttpClient(options: HttpClientOptions): Promise<HttpClient> {
  return HttpClient.create(options);
}
