import { asciiToString, bytesEqual } from '../../src/main/sources/routeros/codec';
import { RosTrap, type RosRecord } from './model';

/**
 * The print filter stack machine of reference/routeros.md §1.5. Query words arrive without their
 * leading `?` (REST `.query` uses the same words). The stack starts as an endless supply of
 * `true`; an item is kept when no `false` is left, so plain words are implicitly AND-ed.
 */
export function matchesQuery(item: RosRecord, queries: readonly Uint8Array[]): boolean {
  const stack: boolean[] = [];
  const pop = (): boolean => stack.pop() ?? true;
  const at = (index: number): boolean => stack[stack.length - 1 - index] ?? true;
  for (const query of queries) {
    if (query[0] === 0x23 /* # */) {
      runOperations(query.subarray(1), stack, pop, at);
      continue;
    }
    stack.push(evaluateWord(item, query));
  }
  return !stack.includes(false);
}

function evaluateWord(item: RosRecord, query: Uint8Array): boolean {
  const first = query[0];
  if (first === 0x2d /* - */) return !item.has(asciiToString(query.subarray(1)));
  const operator = first === 0x3c || first === 0x3e || first === 0x3d ? first : undefined;
  const body = operator === undefined ? query : query.subarray(1);
  const equals = body.indexOf(0x3d);
  if (equals === -1) {
    if (operator === undefined) return item.has(asciiToString(body));
    throw new RosTrap('invalid query', 5);
  }
  const value = item.get(asciiToString(body.subarray(0, equals)));
  const wanted = body.subarray(equals + 1);
  if (value === undefined) return false;
  if (operator === 0x3c) return compare(value, wanted) < 0;
  if (operator === 0x3e) return compare(value, wanted) > 0;
  return bytesEqual(value, wanted);
}

/** Numbers compare as numbers (`?>actual-mtu=1000`), anything else byte by byte. */
function compare(a: Uint8Array, b: Uint8Array): number {
  const left = asciiToString(a);
  const right = asciiToString(b);
  if (/^-?\d+$/.test(left) && /^-?\d+$/.test(right)) return Math.sign(Number(left) - Number(right));
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return Math.sign(a.length - b.length);
}

/**
 * `?#ops`: a run of digits is a stack index (0 = top); followed by another character it pushes a
 * copy of that entry, at the end of the word it replaces the whole stack with it. `!` negates the
 * top, `&` and `|` combine the top two, `.` duplicates the top unless it follows an index.
 */
function runOperations(
  ops: Uint8Array,
  stack: boolean[],
  pop: () => boolean,
  at: (index: number) => boolean,
): void {
  const chars = asciiToString(ops);
  let position = 0;
  let afterIndex = false;
  while (position < chars.length) {
    const digits = /^\d+/.exec(chars.slice(position))?.[0];
    if (digits !== undefined) {
      const entry = at(Number(digits));
      position += digits.length;
      if (position >= chars.length) {
        stack.length = 0;
        stack.push(entry);
        return;
      }
      stack.push(entry);
      afterIndex = true;
      continue;
    }
    const op = chars[position];
    position += 1;
    switch (op) {
      case '!':
        stack.push(!pop());
        break;
      case '&': {
        const right = pop();
        const left = pop();
        stack.push(left && right);
        break;
      }
      case '|': {
        const right = pop();
        const left = pop();
        stack.push(left || right);
        break;
      }
      case '.':
        if (!afterIndex) stack.push(at(0));
        break;
      default:
        throw new RosTrap(`unknown query operation ${op ?? ''}`, 5);
    }
    afterIndex = false;
  }
}

/**
 * Applies `.proplist`: only the listed properties the item has, in the order asked. An item with
 * none of them becomes an empty record (a bare `!re` on the wire, §1.6).
 */
export function applyProplist(item: RosRecord, proplist: readonly string[] | undefined): RosRecord {
  if (proplist === undefined) return item;
  const out: RosRecord = new Map();
  for (const name of proplist) {
    const value = item.get(name);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}
