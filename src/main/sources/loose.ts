import { z } from 'zod';

/**
 * An object schema that checks the keys of `shape` and keeps every other key as sent: the same
 * values and the same issues at the same paths as `z.looseObject(shape)`, with the keys in the
 * order the source sent them. Zod builds a loose object's output one undeclared key at a time,
 * which leaves V8 a slow dictionary-mode object for every host of a sync (and every later read,
 * spread and JSON.stringify of it pays); here the declared keys are checked by a plain object
 * schema and laid over a copy of the answer's own object.
 */
export function looseObject<Shape extends z.ZodRawShape>(shape: Shape) {
  // Compiled once (`z.compile`): the same output and issues as the plain schema, faster.
  const known = z.compile(z.object(shape));
  return z.unknown().transform((input, context) => {
    const result = known.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues) {
        context.issues.push(issue as unknown as (typeof context.issues)[number]);
      }
      return z.NEVER;
    }
    const out: Record<string, unknown> = { ...(input as Record<string, unknown>), ...result.data };
    // A `__proto__` key of the JSON is copied as a plain key; `z.looseObject` leaves it out.
    if (Object.hasOwn(out, '__proto__')) Reflect.deleteProperty(out, '__proto__');
    return out as z.output<typeof known> & Record<string, unknown>;
  });
}
