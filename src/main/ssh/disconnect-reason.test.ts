import { describe, expect, it } from 'vitest';
import { reasonFromError } from './disconnect-reason';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED'), {
    level: 'client-socket',
    code: 'ECONNREFUSED',
  });

describe('disconnect reasons', () => {
  it('write an IPv6 address in brackets, so its port stays apart from it', () => {
    const hop = { index: 0, host: 'fd00::7', port: 2222, username: 'ops' };
    expect(reasonFromError(refused(), hop).message).toBe(
      '[fd00::7]:2222 refused the connection (nothing listens on that port?).',
    );
    const v4 = { ...hop, host: '10.0.0.7' };
    expect(reasonFromError(refused(), v4).message).toBe(
      '10.0.0.7:2222 refused the connection (nothing listens on that port?).',
    );
  });
});
