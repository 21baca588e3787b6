/**
 * One spelling per operating system across the sources. Foreman names an OS after Facter
 * (`Rocky 9.5`, `RedHat 9.4`, `CentOS_Stream 9`, or its description, `Ubuntu 22.04.3 LTS`),
 * PatchMon's agent after `/etc/os-release` (`Rocky Linux 9.5`, `Debian GNU/Linux 12 (bookworm)`).
 * Merged assets show the distribution's own name with the version as the source gave it, so the
 * Overview, the facets and `os:` count one Rocky Linux 9.5, not two.
 */

/** Distribution names as the sources spell them (start of the text, any case) → the one shown. */
const families: readonly (readonly [RegExp, string])[] = [
  [/^rocky(?:[\s_]+linux)?/i, 'Rocky Linux'],
  [
    /^(?:red[\s_]*hat(?:[\s_]+enterprise[\s_]+linux(?:[\s_]+server)?)?|rhel)/i,
    'Red Hat Enterprise Linux',
  ],
  [/^alma(?:[\s_]*linux)?/i, 'AlmaLinux'],
  [/^centos[\s_]+stream/i, 'CentOS Stream'],
  [/^centos(?:[\s_]+linux)?/i, 'CentOS'],
  [/^debian(?:[\s_]+gnu\/linux)?/i, 'Debian'],
  [/^(?:oracle[\s_]*linux(?:[\s_]+server)?|ol)/i, 'Oracle Linux'],
  [/^(?:sles|suse[\s_]+linux[\s_]+enterprise[\s_]+server)/i, 'SUSE Linux Enterprise Server'],
  [/^ubuntu/i, 'Ubuntu'],
  [/^fedora(?:[\s_]+linux)?/i, 'Fedora'],
];

/**
 * `os` in its shown spelling: a known distribution's name replaced (only as a whole word, so
 * `Rockyou 1` or `Olive 2` stay); a `release` word, a codename in brackets and a trailing `LTS`
 * dropped; its spaces collapsed. Anything else is returned trimmed; null and blank give null.
 */
export function canonicalOsName(os: string | null): string | null {
  if (os === null) return null;
  const text = os.trim();
  if (text === '') return null;
  for (const [pattern, name] of families) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const rest = text.slice(match[0].length);
    // A whole word only: the name is followed by nothing, a space, an underscore or a digit.
    if (rest !== '' && !/^[\s_\d]/.test(rest)) continue;
    const version = rest
      .replace(/\s+/g, ' ')
      .replace(/^[ _]+/, '')
      .replace(/^release /i, '')
      .replace(/ ?\([^()]*\)$/, '')
      .replace(/ LTS$/i, '');
    return version === '' ? name : `${name} ${version}`;
  }
  return text;
}
