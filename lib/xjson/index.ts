// xjson: JSON in one canonical form, so that equal values have equal text.

/** A copy of a JSON value with every object's keys in sorted order (arrays keep theirs). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out as T;
}

/** Canonical JSON text: key order does not change it (for fingerprints and checksums of new data). */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value)) ?? "null";
