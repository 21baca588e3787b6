import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonBody } from '../net/json';
import { looseObject } from './loose';

const Nic = looseObject({ mac: z.string().nullish() });
const Host = looseObject({
  id: z.number().int(),
  name: z.string().min(1),
  enabled: z
    .union([z.literal(0), z.literal(1)])
    .transform((v) => v === 1)
    .optional(),
  interfaces: z.array(Nic).optional(),
});
const Page = z.looseObject({ results: z.array(Host) });

function parse(json: string) {
  return parseJsonBody({ contentType: 'application/json', body: Buffer.from(json) }, Page, {
    system: 'Foreman',
    endpoint: 'GET /hosts',
  });
}

describe('looseObject', () => {
  it('keeps every key the source sent, with the declared ones checked and converted', () => {
    const page = parse(
      '{"results":[{"comment":"rack 4","id":7,"name":"web01","enabled":1,"interfaces":[{"mac":"aa:bb:cc:dd:ee:ff","virtual":false}],"__proto__":{"admin":true}}],"total":1}',
    );
    expect(page.results).toEqual([
      {
        comment: 'rack 4',
        id: 7,
        name: 'web01',
        enabled: true,
        interfaces: [{ mac: 'aa:bb:cc:dd:ee:ff', virtual: false }],
      },
    ]);
    expect(Object.hasOwn(page.results[0] ?? {}, '__proto__')).toBe(false);
    expect(page).toMatchObject({ total: 1 });
  });

  it('names the path of a bad value inside a nested loose object', () => {
    expect(() =>
      parse('{"results":[{"id":1,"name":"a"},{"id":2,"name":"b","interfaces":[{"mac":5}]}]}'),
    ).toThrow(
      'Foreman GET /hosts: unexpected data at results[1].interfaces[0].mac: Invalid input: expected string, received number.',
    );
    expect(() => parse('{"results":[{"id":"3","name":""}]}')).toThrow(
      /at results\[0\]\.id: .*; results\[0\]\.name: /,
    );
  });
});
