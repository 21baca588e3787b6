import { describe, expect, it } from 'vitest';
import { displayWidth, padToWidth, truncateToWidth } from './format-width';

describe('text measured in terminal columns', () => {
  it('counts a CJK character or an emoji as two columns and a combining accent as none', () => {
    expect(displayWidth('数据库')).toBe(6);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('Zu\u0308rich')).toBe(6);
    expect(padToWidth('数据库', 8)).toBe('数据库  ');
    expect(padToWidth('Zu\u0308rich', 8)).toBe('Zu\u0308rich  ');
  });

  it('truncates a CJK string to at most the width, as far as it fits', () => {
    const name = '数据库服务器-α';
    for (let width = 0; width <= displayWidth(name) + 2; width++) {
      const cut = truncateToWidth(name, width);
      expect(name.startsWith(cut)).toBe(true);
      expect(displayWidth(cut)).toBeLessThanOrEqual(width);
      // Only a wide character that would overflow is left out, never more.
      expect(displayWidth(cut)).toBeGreaterThanOrEqual(Math.min(width, displayWidth(name)) - 1);
    }
    expect(truncateToWidth(name, 5)).toBe('数据');
    expect(truncateToWidth(name, 100)).toBe(name);
  });

  it('never cuts a combining sequence or a joined emoji in half', () => {
    expect(truncateToWidth('Zu\u0308rich', 2)).toBe('Zu\u0308');
    expect(truncateToWidth('Zu\u0308rich', 1)).toBe('Z');
    // A woman and a laptop joined into one two-column emoji: all of it or none of it.
    const coder = '\u{1F469}\u200D\u{1F4BB}';
    expect(truncateToWidth(`${coder} ops`, 1)).toBe('');
    expect(truncateToWidth(`${coder} ops`, 3)).toBe(`${coder} `);
  });
});
