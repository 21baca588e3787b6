import { describe, expect, it } from 'vitest';
import css from './styles.css?raw';

/** The custom properties a theme block sets, by name. */
function themeVars(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start === -1) throw new Error(`no ${selector} block in styles.css`);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map(
    [...block.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('text colours of both themes', () => {
  for (const [theme, selector] of [
    ['light', "[data-theme='light']"],
    ['dark', "[data-theme='dark']"],
  ] as const) {
    it(`reach 4.5:1 against the page and raised surfaces (${theme})`, () => {
      const vars = themeVars(selector);
      for (const text of ['--fg', '--fg-muted', '--fg-faint', '--danger', '--ok']) {
        for (const surface of ['--bg', '--bg-raised']) {
          const ratio = contrast(vars.get(text) ?? '', vars.get(surface) ?? '');
          expect(ratio, `${text} on ${surface}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    });
  }
});
