import type { z } from 'zod';
import { AppError } from '../../shared/errors';

/** `connection.auth.tokenId: Token id looks like …` — the path a person can find in a file. */
export function describeIssue(issue: z.core.$ZodIssue, skip = 0): string {
  const where = issue.path
    .slice(skip)
    .map((part) => (typeof part === 'number' ? `[${part}]` : String(part)))
    .join('.')
    .replace(/\.\[/g, '[');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** A `bad-request` AppError listing the first few problems of a failed parse. */
export function badRequest(error: z.ZodError, what: string): AppError {
  const details = error.issues.slice(0, 5).map((issue) => describeIssue(issue));
  return new AppError('bad-request', `Invalid ${what}: ${details.join('; ')}`);
}
