import { describe, expect, it } from 'vitest';
import type { HttpError } from '../../net/errors';
import { parseRestBody } from './rest-api';

function body(json: string) {
  return { contentType: 'application/json', body: Buffer.from(json) };
}

function failure(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected the answer to be refused');
}

describe('RouterOS REST bodies (reference/routeros.md §2.1, §2.2)', () => {
  it('reads a list, a singleton object and a 7.1-era singleton array alike', () => {
    expect(
      parseRestBody(body('[{"name":"ether1","running":"true"}]'), 'GET /rest/x', 'auto'),
    ).toEqual([{ name: 'ether1', running: 'true' }]);
    expect(parseRestBody(body('{"name":"MikroTik"}'), 'GET /rest/x', 'auto')).toEqual([
      { name: 'MikroTik' },
    ]);
    expect(parseRestBody(body('[{"name":"MikroTik"}]'), 'GET /rest/x', 'auto')).toEqual([
      { name: 'MikroTik' },
    ]);
  });

  it('names the record and key of a value that is not a string', () => {
    const error = failure(() =>
      parseRestBody(
        body('[{"name":"ether1","mtu":"1500"},{"name":"ether2","mtu":1500}]'),
        'GET /rest/interface',
        'auto',
      ),
    );
    expect(error.reason).toBe('invalid-data');
    expect(error.details.field).toBe('[1].mtu');
    expect(error.message).toBe(
      'RouterOS GET /rest/interface: unexpected data at [1].mtu: every value should be a string.',
    );
  });

  it('names the key of a singleton value that is not a string', () => {
    const error = failure(() =>
      parseRestBody(body('{"uptime":"1d","cpu-load":3}'), 'GET /rest/system/resource', 'auto'),
    );
    expect(error.details.field).toBe('["cpu-load"]');
  });
});
