import { defaultFilter } from 'cmdk';

const separator = '\u0001';

/** An item's value for the palette: its group, label and id, which `paletteScore` reads back. */
export function paletteValue(group: string, label: string, id: string): string {
  return [group, label, id].join(separator);
}

/** Where the words of a label start: after a space or a name's separators (`-`, `.`, `@`…). */
function wordStarts(label: string): number[] {
  const out: number[] = [];
  for (let at = 1; at < label.length; at++) {
    if (/[\s\-_.@:/]/.test(label[at - 1] ?? '')) out.push(at);
  }
  return out;
}

/**
 * How well an item matches what was typed, 0 for not at all. What the label says beats what its
 * keywords say, and both beat a scattered fuzzy match: `lab-sh` finds the profile `lab-shell`
 * first, not "Split terminals" (whose keyword `ssh` holds an s and an h). In a label, a match at
 * its start beats one at a word's start, which beats one inside a word; letters scattered through
 * the label count least.
 */
export function paletteScore(value: string, search: string, keywords: string[] = []): number {
  const typed = search.trim().toLowerCase();
  if (typed === '') return 1;
  const label = (value.split(separator)[1] ?? value).toLowerCase();
  if (label.startsWith(typed)) return 1;
  // The start of a word beats the middle of one: `vie` finds `bastion-vie` before "overview".
  if (wordStarts(label).some((at) => label.startsWith(typed, at))) return 0.95;
  if (label.includes(typed)) return 0.9;
  if (keywords.some((keyword) => keyword.toLowerCase().includes(typed))) return 0.8;
  // Scattered letters count in the label only: over an id or a list of keywords (addresses,
  // user names) almost any few letters and digits turn up in order somewhere.
  return defaultFilter(label, search) * 0.5;
}
