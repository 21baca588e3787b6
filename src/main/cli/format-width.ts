import stringWidth from 'string-width';

/**
 * Text measured in terminal columns, not UTF-16 code units: a CJK character or an emoji takes
 * two columns, a combining accent none. Tables and lines that fit a width use these.
 */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` followed by spaces up to `width` columns (as String.padEnd, counted in columns). */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `text` that fits in `width` columns, cut between user-perceived
 * characters: never inside a wide character, a combining sequence or a joined emoji.
 */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const w = displayWidth(segment);
    if (used + w > width) break;
    used += w;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
