import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import {
  commandWords,
  encodeLength,
  encodeSentence,
  encodeSentenceFrames,
  readLength,
  readSentences,
  RouterOsProtocolError,
  SentenceDecoder,
  type Sentence,
} from './codec';

const hex = (text: string): Uint8Array =>
  Uint8Array.from(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => parseInt(pair, 16)),
  );
const text = (words: Sentence): string[] => words.map((word) => Buffer.from(word).toString());

/** Every vector of reference/routeros.md §1.2, all five prefix sizes and both edges of each. */
const lengthVectors: [number, string][] = [
  [0x00, '00'],
  [0x01, '01'],
  [0x7f, '7F'],
  [0x80, '80 80'],
  [0x87, '80 87'],
  [0x82, '80 82'],
  [0x3fff, 'BF FF'],
  [0x4000, 'C0 40 00'],
  [0x4321, 'C0 43 21'],
  [0x1ffff4, 'DF FF F4'],
  [0x200000, 'E0 20 00 00'],
  [0x2acdef, 'E0 2A CD EF'],
  [0xffffff0, 'EF FF FF F0'],
  [0x10000000, 'F0 10 00 00 00'],
  [0x10000080, 'F0 10 00 00 80'],
];

describe('word length prefix', () => {
  it.each(lengthVectors)('encodes %i as %s', (length, bytes) => {
    expect(encodeLength(length)).toEqual(hex(bytes));
  });

  it.each(lengthVectors)('decodes %i from %s', (length, bytes) => {
    expect(readLength(hex(bytes))).toBe(length);
  });

  it('round-trips the edges of every class including the 32-bit maximum', () => {
    for (const length of [0x1fffff, 0xfffffff, 0xffffffff, 12345678]) {
      expect(readLength(encodeLength(length))).toBe(length);
    }
  });

  it('refuses lengths that no prefix can carry', () => {
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(0x100000000)).toThrow(RangeError);
    expect(() => encodeLength(1.5)).toThrow(RangeError);
  });

  it('reports control bytes and undefined prefixes as typed errors', () => {
    expect(() => readLength(hex('F8'))).toThrow(
      expect.objectContaining({ code: 'protocol-error', fault: 'control-byte' }),
    );
    expect(() => readLength(hex('FF 00'))).toThrow(
      expect.objectContaining({ fault: 'control-byte' }),
    );
    expect(() => readLength(hex('F3 00 00 00 00'))).toThrow(
      expect.objectContaining({ fault: 'malformed-length' }),
    );
    expect(() => readLength(hex('C0 40'))).toThrow(expect.objectContaining({ fault: 'truncated' }));
  });
});

describe('sentence framing', () => {
  // Byte dumps of reference/routeros.md §1.3.
  const dumps: [string[], string][] = [
    [
      ['/system/identity/print', '.tag=1'],
      '16 2F 73 79 73 74 65 6D 2F 69 64 65 6E 74 69 74 79 2F 70 72 69 6E 74 06 2E 74 61 67 3D 31 00',
    ],
    [
      ['!re', '.tag=1', '=name=MikroTik'],
      '03 21 72 65 06 2E 74 61 67 3D 31 0E 3D 6E 61 6D 65 3D 4D 69 6B 72 6F 54 69 6B 00',
    ],
    [['!done', '.tag=1'], '05 21 64 6F 6E 65 06 2E 74 61 67 3D 31 00'],
    [
      ['/login', '=name=admin', '=password=secret'],
      '06 2F 6C 6F 67 69 6E 0B 3D 6E 61 6D 65 3D 61 64 6D 69 6E 10 3D 70 61 73 73 77 6F 72 64 3D 73 65 63 72 65 74 00',
    ],
    [['!empty', '.tag=7'], '06 21 65 6D 70 74 79 06 2E 74 61 67 3D 37 00'],
  ];

  it.each(dumps)('encodes %j byte for byte', (words, bytes) => {
    expect(encodeSentence(words)).toEqual(hex(bytes));
  });

  it.each(dumps)('decodes %j byte for byte', (words, bytes) => {
    expect(new SentenceDecoder().push(hex(bytes)).map(text)).toEqual([words]);
  });

  it('counts bytes, not characters, in the length prefix', () => {
    const encoded = encodeSentence(['=name=zażółć']);
    expect(encoded[0]).toBe(Buffer.byteLength('=name=zażółć'));
  });

  it('frames each word separately for writers that send word by word', () => {
    const frames = encodeSentenceFrames(['/quit', '.tag=a']);
    expect(frames.map((frame) => Buffer.from(frame).toString('hex'))).toEqual([
      '052f71756974',
      '062e7461673d61',
      '00',
    ]);
  });

  it('builds command sentences with attributes, proplist, tag and ordered queries', () => {
    const words = commandWords({
      command: '/interface/print',
      attributes: { detail: '' },
      proplist: ['name', 'type'],
      tag: 't1',
      queries: ['type=ether', 'type=vlan', '#|'],
    });
    expect(
      words.map((word) => (typeof word === 'string' ? word : Buffer.from(word).toString())),
    ).toEqual([
      '/interface/print',
      '=detail=',
      '=.proplist=name,type',
      '.tag=t1',
      '?type=ether',
      '?type=vlan',
      '?#|',
    ]);
    expect(() => commandWords({ command: 'interface/print' })).toThrow(RouterOsProtocolError);
  });
});

describe('streaming decoder', () => {
  const sentences = [
    ['!re', '.tag=10', '=.id=*A', '=address=1.1.1.1/32'],
    ['!re', `=comment=${'x'.repeat(200)}`, `=note=${'y'.repeat(20000)}`],
    ['!done', '.tag=10'],
  ];
  const stream = Buffer.concat(sentences.map((words) => encodeSentence(words)));

  it('yields the same sentences for every chunk size, one byte included', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 4096, stream.length]) {
      const decoder = new SentenceDecoder();
      const out: Sentence[] = [];
      for (let offset = 0; offset < stream.length; offset += size) {
        out.push(...decoder.push(stream.subarray(offset, offset + size)));
      }
      expect(out.map(text)).toEqual(sentences);
      expect(decoder.atBoundary).toBe(true);
      expect(() => {
        decoder.end();
      }).not.toThrow();
    }
  });

  it('yields nothing until a sentence is complete, and splits inside a length prefix', () => {
    const decoder = new SentenceDecoder();
    const bytes = encodeSentence(['!re', `=note=${'y'.repeat(20000)}`]);
    expect(decoder.push(bytes.subarray(0, 5))).toEqual([]);
    expect(decoder.push(bytes.subarray(5, 6))).toEqual([]); // first byte of the 3-byte prefix
    expect(decoder.push(bytes.subarray(6, 7))).toEqual([]);
    expect(decoder.bufferedBytes).toBeGreaterThan(0);
    expect(decoder.push(bytes.subarray(7)).map(text)).toEqual([
      ['!re', `=note=${'y'.repeat(20000)}`],
    ]);
  });

  it('skips empty sentences', () => {
    const decoder = new SentenceDecoder();
    const bytes = Buffer.concat([hex('00 00'), encodeSentence(['!done']), hex('00')]);
    expect(decoder.push(bytes).map(text)).toEqual([['!done']]);
  });

  it('keeps payload bytes exactly, including zero bytes and invalid UTF-8', () => {
    const value = Uint8Array.of(0x3d, 0x78, 0x3d, 0x00, 0xff, 0xfe, 0x80, 0x00);
    const [sentence] = new SentenceDecoder().push(encodeSentence(['!re', value]));
    expect(sentence?.[1]).toEqual(value);
  });

  it('refuses a word longer than the limit as soon as its prefix arrives', () => {
    const decoder = new SentenceDecoder({ maxWordBytes: 1000 });
    expect(() => decoder.push(hex('F0 FF FF FF FF'))).toThrow(
      expect.objectContaining({ code: 'protocol-error', fault: 'word-too-long' }),
    );
    expect(decoder.bufferedBytes).toBeLessThan(10);
  });

  it('refuses a sentence with too many words', () => {
    const decoder = new SentenceDecoder({ maxWordsPerSentence: 3 });
    const bytes = encodeSentence(['!re', '=a=1', '=b=2', '=c=3']);
    expect(() => decoder.push(bytes)).toThrow(expect.objectContaining({ fault: 'too-many-words' }));
  });

  it('refuses a sentence that never ends once it exceeds the buffer limit', () => {
    const decoder = new SentenceDecoder({ maxBufferedBytes: 1000 });
    const word = encodeSentenceFrames([`=a=${'z'.repeat(90)}`])[0]!;
    const attempt = (): void => {
      for (let index = 0; index < 20; index += 1) decoder.push(word);
    };
    expect(attempt).toThrow(expect.objectContaining({ fault: 'buffer-overflow' }));
  });

  it('stays failed after a framing error, since the stream cannot resynchronise', () => {
    const decoder = new SentenceDecoder();
    expect(() => decoder.push(hex('F9'))).toThrow(
      expect.objectContaining({ fault: 'control-byte' }),
    );
    expect(() => decoder.push(encodeSentence(['!done']))).toThrow(
      expect.objectContaining({ fault: 'control-byte' }),
    );
  });

  it('reports a stream that ends inside a sentence, a word or a prefix', () => {
    const full = encodeSentence(['!re', `=note=${'y'.repeat(300)}`]);
    for (const cut of [1, 4, 5, 6, full.length - 1]) {
      const decoder = new SentenceDecoder();
      decoder.push(full.subarray(0, cut));
      expect(() => {
        decoder.end();
      }).toThrow(expect.objectContaining({ fault: 'truncated' }));
    }
  });

  it('survives random garbage with either sentences or a typed error, never a crash', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 300; round += 1) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () =>
        Math.floor(random() * 256),
      );
      const decoder = new SentenceDecoder({ maxWordBytes: 4096, maxBufferedBytes: 8192 });
      try {
        decoder.push(bytes);
        decoder.end();
      } catch (error) {
        expect(error).toBeInstanceOf(RouterOsProtocolError);
      }
    }
  });

  it('reads sentences from an async byte stream and reports truncation at its end', async () => {
    const chunks = (bytes: Uint8Array): Readable =>
      Readable.from(
        Array.from({ length: Math.ceil(bytes.length / 3) }, (_, index) =>
          bytes.subarray(index * 3, index * 3 + 3),
        ),
      );
    const out: string[][] = [];
    for await (const sentence of readSentences(chunks(stream))) out.push(text(sentence));
    expect(out).toEqual(sentences);

    const truncated = async (): Promise<void> => {
      for await (const _ of readSentences(chunks(stream.subarray(0, stream.length - 2)))) {
        // draining
      }
    };
    await expect(truncated()).rejects.toMatchObject({ fault: 'truncated' });
  });
});
