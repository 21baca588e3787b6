import { describe, expect, it } from 'vitest';

import {
  decodeText,
  encodeSentence,
  encodeText,
  legacyLoginResponse,
  parseCommand,
  parseReply,
  proplistOf,
  replyWords,
  SentenceDecoder,
  type Sentence,
} from './codec';

const sentence = (...words: (string | Uint8Array)[]): Sentence =>
  words.map((word) => (typeof word === 'string' ? new TextEncoder().encode(word) : word));

describe('reply parsing', () => {
  it('reads !re attributes where values contain "=" or are empty', () => {
    const reply = parseReply(sentence('!re', '.tag=10', '=.id=*A', '=name=iu=c3Eeg', '=comment='));
    expect(reply).toMatchObject({
      type: 're',
      tag: '10',
      attributes: { '.id': '*A', name: 'iu=c3Eeg', comment: '' },
    });
  });

  it('finds .tag in any position and .section as an attribute', () => {
    const reply = parseReply(sentence('!re', '=.section=1', '=status=ok', '.tag=9'));
    expect(reply.tag).toBe('9');
    expect(reply.attributes['.section']).toBe('1');
  });

  it('accepts a bare !re with no attributes', () => {
    expect(parseReply(sentence('!re'))).toMatchObject({
      type: 're',
      tag: undefined,
      attributes: {},
    });
  });

  it('reads !done with =ret= and !empty', () => {
    expect(parseReply(sentence('!done', '=ret=*3'))).toMatchObject({ type: 'done', ret: '*3' });
    expect(parseReply(sentence('!empty', '.tag=7'))).toMatchObject({ type: 'empty', tag: '7' });
  });

  it('reads !trap message and category, and tolerates a trap without either', () => {
    expect(
      parseReply(sentence('!trap', '.tag=10', '=category=2', '=message=interrupted')),
    ).toMatchObject({
      type: 'trap',
      category: 2,
      message: 'interrupted',
    });
    expect(parseReply(sentence('!trap'))).toMatchObject({ type: 'trap', category: undefined });
    expect(parseReply(sentence('!trap', '=category=x'))).toMatchObject({ category: undefined });
  });

  it('reads the bare reason word of !fatal', () => {
    expect(parseReply(sentence('!fatal', 'session terminated on request'))).toMatchObject({
      type: 'fatal',
      reason: 'session terminated on request',
    });
  });

  it('gives typed errors for unknown reply words and sentences without one', () => {
    expect(() => parseReply(sentence('!xxx'))).toThrow(
      expect.objectContaining({ code: 'protocol-error', fault: 'unknown-reply' }),
    );
    expect(() => parseReply(sentence('=name=x'))).toThrow(
      expect.objectContaining({ fault: 'malformed-sentence' }),
    );
    expect(() => parseReply([])).toThrow(expect.objectContaining({ fault: 'malformed-sentence' }));
  });

  it('does not let a hostile attribute name change object prototypes', () => {
    const reply = parseReply(sentence('!re', '=__proto__=polluted', '=constructor=x'));
    expect(reply.attributes.__proto__).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps raw value bytes and decodes them by charset', () => {
    const cp1252 = Uint8Array.of(0x3d, 0x6e, 0x3d, 0x43, 0x61, 0x66, 0xe9, 0x80); // =n=Café€
    const reply = parseReply([encodeText('!re'), cp1252]);
    expect(reply.raw.get('n')).toEqual(Uint8Array.of(0x43, 0x61, 0x66, 0xe9, 0x80));
    expect(reply.attributes.n).toBe('Café€');
    const utf8 = parseReply(sentence('!re', '=n=Café'), { charset: 'utf-8' });
    expect(utf8.attributes.n).toBe('Café');
  });

  it('writes reply words with .tag second and raw values unchanged', () => {
    const raw = Uint8Array.of(0xff, 0x3d);
    const words = replyWords('re', {
      tag: 'a',
      attributes: [
        ['name', 'x'],
        ['raw', raw],
      ],
    });
    const [decoded] = new SentenceDecoder().push(encodeSentence(words));
    const reply = parseReply(decoded!);
    expect(reply.tag).toBe('a');
    expect(reply.raw.get('raw')).toEqual(raw);
    expect(Buffer.from(decoded![1]!).toString()).toBe('.tag=a');
  });
});

describe('command parsing', () => {
  it('separates command, attributes, tag, queries and unknown words', () => {
    const parsed = parseCommand(
      sentence(
        '/ip/address/print',
        '?interface=ether1',
        '.tag=t1',
        '=.proplist=address, interface',
        '?#!',
        'junk',
      ),
    );
    expect(parsed.command).toBe('/ip/address/print');
    expect(parsed.tag).toBe('t1');
    expect(proplistOf(parsed.attributes)).toEqual(['address', 'interface']);
    expect(parsed.queries.map((query) => decodeText(query))).toEqual(['interface=ether1', '#!']);
    expect(parsed.unknown.map((word) => decodeText(word))).toEqual(['junk']);
  });

  it('refuses a sentence whose first word is not a command', () => {
    expect(() => parseCommand(sentence('=name=x'))).toThrow(
      expect.objectContaining({ fault: 'malformed-sentence' }),
    );
  });
});

describe('character encoding', () => {
  const invalidEverywhere = Uint8Array.of(0xc3, 0x28, 0x81);

  it('decodes UTF-8 first and falls back to windows-1252 in auto mode', () => {
    expect(decodeText(encodeText('zażółć'))).toBe('zażółć');
    expect(decodeText(Uint8Array.of(0x80, 0x8a, 0x9c, 0xe9))).toBe('€Šœé');
    expect(decodeText(invalidEverywhere, 'auto')).toBe('Ã(\u0081');
    expect(decodeText(invalidEverywhere, 'utf-8')).toBe('\uFFFD(\uFFFD');
  });

  it('decodes windows-1250 and windows-1251 when asked', () => {
    expect(decodeText(Uint8Array.of(0x8a, 0x9c, 0xb9), 'windows-1250')).toBe('Šśą');
    expect(decodeText(Uint8Array.of(0xcf, 0xf0, 0xe8), 'windows-1251')).toBe('При');
  });

  it('encodes single-byte charsets exactly and refuses what they cannot hold', () => {
    expect(encodeText('Café€', 'windows-1252')).toEqual(
      Uint8Array.of(0x43, 0x61, 0x66, 0xe9, 0x80),
    );
    expect(encodeText('Łódź', 'windows-1250')).toEqual(Uint8Array.of(0xa3, 0xf3, 0x64, 0x9f));
    expect(() => encodeText('日本', 'windows-1252')).toThrow(
      expect.objectContaining({ fault: 'unencodable-text' }),
    );
  });
});

describe('legacy login response', () => {
  it('matches both vectors of reference/routeros.md §1.8', () => {
    expect(legacyLoginResponse('passTest', 'abc123')).toBe('0021277bff9ac7caf06aa608e46616d47f');
    expect(legacyLoginResponse('secret', 'ebddd18303a54111e2dea05a92ab46b4')).toBe(
      '007319531c22b6b85e160d6ac355c1df2e',
    );
  });

  it('refuses a challenge that is not hex', () => {
    expect(() => legacyLoginResponse('x', 'zz')).toThrow(
      expect.objectContaining({ code: 'protocol-error' }),
    );
  });
});
