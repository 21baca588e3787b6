/** How many lines a paste holds (a trailing line break still runs the last line). */
export function pastedLineCount(text: string): number {
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return breaks + (/(\r\n|\r|\n)$/.test(text) ? 0 : 1);
}

/**
 * A paste with a line break runs commands as soon as it lands (unless the remote shell uses
 * bracketed paste), so it is confirmed first. Single-line pastes go straight through.
 */
export function needsPasteWarning(text: string): boolean {
  return /[\r\n]/.test(text);
}
