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

/** The pairs, as [text, surface], whose contrast is under the 4.5:1 of WCAG AA for body text. */
function underAA(
  vars: Map<string, string>,
  pairs: readonly (readonly [string, string])[],
): string[] {
  return pairs
    .map(([text, surface]) => ({
      pair: `${text} on ${surface}`,
      ratio: contrast(vars.get(text) ?? '', vars.get(surface) ?? ''),
    }))
    .filter(({ ratio }) => !(ratio >= 4.5))
    .map(({ pair, ratio }) => `${pair}: ${ratio.toFixed(2)}:1`);
}

/** Text colours that sit in list rows, table cells and panels: body, secondary, links, states. */
const ROW_TEXT = ['--fg', '--fg-muted', '--fg-faint', '--accent', '--danger', '--ok', '--warn'];

/**
 * Where that text sits: the page and raised panels, sunken panels and headers, a hovered row,
 * and a selected row (profile list, grid, palette, menus).
 */
const ROW_SURFACES = ['--bg', '--bg-raised', '--bg-sunken', '--bg-hover', '--accent-soft'];

/** Text on the other tinted backgrounds, as [text, surface]. */
const TINTED_PAIRS = [
  ['--warn', '--warn-bg'],
  ['--fg', '--warn-bg'],
  ['--fg-muted', '--warn-bg'],
  ['--danger', '--danger-bg'],
  ['--fg', '--danger-bg'],
  ['--fg-muted', '--danger-bg'],
  ['--fg', '--bg-active'],
  ['--fg-muted', '--bg-active'],
  ['--accent-fg', '--accent'],
] as const;

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

    it(`reach 4.5:1 on hovered, selected and sunken rows (${theme})`, () => {
      const pairs = ROW_TEXT.flatMap((text) =>
        ROW_SURFACES.map((surface) => [text, surface] as const),
      );
      expect(underAA(themeVars(selector), pairs)).toEqual([]);
    });

    it(`reach 4.5:1 on banners, badges, active tabs and primary buttons (${theme})`, () => {
      expect(underAA(themeVars(selector), TINTED_PAIRS)).toEqual([]);
    });
  }
});
