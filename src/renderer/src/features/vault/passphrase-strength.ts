export const minPassphraseLength = 8;

export type Strength = 'too-short' | 'weak' | 'fair' | 'strong';

/**
 * A rough guide shown while typing, not a gate beyond the minimum length: long passphrases of
 * several words beat short ones with symbols, so length counts most.
 */
export function passphraseStrength(value: string): Strength {
  if (value.length < minPassphraseLength) return 'too-short';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  const words = value.trim().split(/\s+/).length;
  if (value.length >= 20 || (value.length >= 14 && (classes >= 3 || words >= 3))) return 'strong';
  if (value.length >= 12 || classes >= 3) return 'fair';
  return 'weak';
}

export const strengthLabel: Record<Strength, string> = {
  'too-short': `At least ${minPassphraseLength} characters`,
  weak: 'Weak — longer is better',
  fair: 'Fair',
  strong: 'Strong',
};
