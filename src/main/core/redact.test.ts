import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from './logger';
import { redact, redactText } from './redact';

describe('redaction', () => {
  it('masks auth headers, token headers, URL credentials and private keys inside text', () => {
    const text = [
      'Authorization: Basic YWRtaW46c2VjcmV0',
      'Authorization: Bearer eyJhbGciOi.x.y',
      'PVEAPIToken=root@pam!ci=1b2c3d4e-aaaa',
      'Cookie: PVEAuthCookie=PVE:root@pam:ABC::sig',
      'https://admin:hunter2@foreman.example/api',
      'GET /script?token_key=k1&token_secret=s3cr3t',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const out = redactText(text);
    for (const secret of [
      'YWRtaW46c2VjcmV0',
      'eyJhbGciOi',
      '1b2c3d4e',
      'ABC::sig',
      'hunter2',
      's3cr3t',
      'AAAA',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('foreman.example/api');
  });

  it('replaces values under secret-looking keys at any depth, keeping the shape', () => {
    expect(
      redact({
        profile: { name: 'pve', password: 'p', apiToken: 't', hasSecret: true },
        list: [{ secret: 's' }],
      }),
    ).toEqual({
      profile: { name: 'pve', password: '[redacted]', apiToken: '[redacted]', hasSecret: true },
      list: [{ secret: '[redacted]' }],
    });
  });

  it('is applied by the logger to messages and fields', () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (r) => records.push(r) });
    logger.error('login failed for https://u:pw@host/', {
      headers: { authorization: 'Basic abc' },
    });
    expect(JSON.stringify(records)).not.toMatch(/pw@|Basic abc/);
  });
});
