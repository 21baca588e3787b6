/**
 * Central redaction for everything that leaves the process as text (logs, error details).
 * Values under secret-looking keys are replaced whole; secret-looking fragments inside strings
 * (auth headers, token headers, URL credentials) are masked.
 */

const secretKey =
  /pass(word|phrase)?|secret|token|authorization|cookie|private.?key|api.?key|credential|ticket|csrf|otp|totp/i;

const secretFragments: readonly [RegExp, string][] = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]'],
  [/\bPVEAPIToken=[^\s"']+/g, 'PVEAPIToken=[redacted]'],
  [/\bPVEAuthCookie=[^\s;"']+/g, 'PVEAuthCookie=[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, '$1[redacted]@'],
  [/([?&](?:token|token_secret|token_key|password|secret)=)[^&\s"']+/gi, '$1[redacted]'],
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    '[redacted private key]',
  ],
];

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of secretFragments) out = out.replace(pattern, replacement);
  return out;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        secretKey.test(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean'
          ? REDACTED
          : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}
