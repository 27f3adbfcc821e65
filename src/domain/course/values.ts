// Value objects of a course and the rules that make them valid. Each parser returns the
// normalised value or adds a field error; the aggregate reports all problems at once.
import type { FieldError } from "../../../lib/xerrors/index.ts";

export const LEVELS = ["beginner", "intermediate", "advanced"] as const;
export type Level = (typeof LEVELS)[number];

export const STATUSES = ["draft", "published", "archived"] as const;
export type CourseStatus = (typeof STATUSES)[number];

export const LIMITS = {
  titleMin: 3,
  titleMax: 200,
  summaryMax: 500,
  descriptionMax: 50_000,
  tagsMax: 20,
  tagMax: 40,
  slugMax: 120,
  lessonsMax: 500,
  lessonTitleMax: 200,
  lessonDurationMax: 24 * 60,
  priceMax: 100_000_000,
} as const;

/** A price in integer minor units (cents) of an ISO 4217 currency; `null` means free. */
export interface Price {
  amount: number;
  currency: string;
}

export interface Instructor {
  id: string;
  name: string;
}

/** Where a course came from: written by hand, or imported from an external catalog. */
export type CourseSource = { kind: "manual" } | { kind: "catalog"; catalog: string; externalId: string; url: string };

export class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string, code = "invalid"): void {
    this.list.push({ field, message, code });
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** Lowercase ASCII words joined by "-", derived from any title (diacritics folded). */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, LIMITS.slugMax)
    .replace(/-+$/g, "");
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function parseSlug(raw: string, p: Problems, field = "/slug"): string {
  if (!SLUG_PATTERN.test(raw) || raw.length > LIMITS.slugMax)
    p.add(
      field,
      `must be lowercase letters and digits separated by single hyphens, at most ${LIMITS.slugMax} characters`,
    );
  return raw;
}

// The text rules below are regular expressions the API's spec declares as they are (a contract
// test checks that the server accepts what the spec accepts and nothing more). So they are written
// for any engine: the `u` flag (code points, as JSON Schema counts), whitespace spelled out
// (engines disagree on `\s`; this is exactly what JS's trim() removes) and NUL excluded (the
// HTTP layer refuses it in any text).
const WS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const ANY = "[^\\u0000]";
const SOLID = `[^${WS}\\u0000]`;
/** Any text without NUL. */
export const TEXT_PATTERN = new RegExp(`^${ANY}*$`, "u");
/** Some character other than whitespace. */
export const NON_BLANK_PATTERN = new RegExp(`^[${WS}]*${SOLID}${ANY}*$`, "u");
/** At least `titleMin` (3) characters once trimmed: two solid ends with something between. */
export const TITLE_PATTERN = new RegExp(`^[${WS}]*${SOLID}${ANY}+${SOLID}[${WS}]*$`, "u");

/** Whether `s` has more than `max` characters, counted as JSON Schema counts them (code points). */
export function longerThan(s: string, max: number): boolean {
  return s.length > max && [...s].length > max;
}

export function parseTitle(raw: string, p: Problems, field = "/title"): string {
  // Lengths are of the text as sent: what a client (and the spec) can count. Length first: it
  // bounds the pattern's work.
  if (longerThan(raw, LIMITS.titleMax) || !TITLE_PATTERN.test(raw))
    p.add(field, `must be ${LIMITS.titleMin} to ${LIMITS.titleMax} characters`);
  return raw.trim().replace(/\s+/g, " ");
}

export function parseText(raw: string, max: number, p: Problems, field: string): string {
  if (longerThan(raw, max)) p.add(field, `must be at most ${max} characters`);
  else if (!TEXT_PATTERN.test(raw)) p.add(field, "must not contain NUL characters");
  return raw.trim();
}

// BCP 47: a language subtag with optional script, region and variants (e.g. en, en-US, zh-Hant-TW).
export const LANGUAGE_PATTERN =
  /^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?(-([a-zA-Z\d]{5,8}|\d[a-zA-Z\d]{3}))*$/u;

/** Normalises case the BCP 47 way: language lower, script title, region upper. */
export function parseLanguage(raw: string, p: Problems, field = "/language"): string {
  if (!LANGUAGE_PATTERN.test(raw)) {
    p.add(field, "must be a BCP 47 language tag such as en, en-US or pt-BR");
    return raw;
  }
  return raw
    .split("-")
    .map((part, i) =>
      i === 0
        ? part.toLowerCase()
        : part.length === 4 && /^[a-zA-Z]+$/.test(part)
          ? part[0]!.toUpperCase() + part.slice(1).toLowerCase()
          : part.length === 2
            ? part.toUpperCase()
            : part.toLowerCase(),
    )
    .join("-");
}

export function parseLevel(raw: string, p: Problems, field = "/level"): Level {
  if (!(LEVELS as readonly string[]).includes(raw)) p.add(field, `must be one of ${LEVELS.join(", ")}`);
  return raw as Level;
}

/** Tags are lowercased, trimmed, deduplicated and kept in the order given. */
/** A tag: starts with a letter or digit, then letters, digits, spaces or + # . - (case and trailing spaces are normalised). */
export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} +#.-]*$/u;

export function parseTags(raw: string[], p: Problems, field = "/tags"): string[] {
  if (raw.length > LIMITS.tagsMax) p.add(field, `must hold at most ${LIMITS.tagsMax} tags`);
  raw.forEach((t, i) => {
    if (longerThan(t, LIMITS.tagMax) || !TAG_PATTERN.test(t))
      p.add(`${field}/${i}`, `must be a word of at most ${LIMITS.tagMax} letters, digits, spaces or + # . -`);
  });
  return [...new Set(raw.map((t) => t.trim().toLowerCase()))];
}

export function parseInstructor(raw: Instructor, p: Problems, field = "/instructor"): Instructor {
  if (longerThan(raw.id, 100) || !NON_BLANK_PATTERN.test(raw.id)) p.add(`${field}/id`, "must be 1 to 100 characters");
  if (longerThan(raw.name, 200) || !NON_BLANK_PATTERN.test(raw.name))
    p.add(`${field}/name`, "must be 1 to 200 characters");
  return { id: raw.id.trim(), name: raw.name.trim() };
}

export function parsePrice(raw: Price | null, p: Problems, field = "/price"): Price | null {
  if (raw === null) return null;
  if (!Number.isInteger(raw.amount) || raw.amount <= 0 || raw.amount > LIMITS.priceMax)
    p.add(
      `${field}/amount`,
      `must be a positive integer number of minor units, at most ${LIMITS.priceMax}; use null for a free course`,
    );
  if (!/^[A-Z]{3}$/.test(raw.currency)) p.add(`${field}/currency`, "must be an ISO 4217 code such as EUR or USD");
  return { amount: raw.amount, currency: raw.currency };
}

/** An absolute http(s) URL with a host name (IDNs in punycode) and RFC 3986 characters only. */
export const HTTP_URL_PATTERN =
  /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#](?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?$/u;

export function parseSource(raw: CourseSource, p: Problems, field = "/source"): CourseSource {
  if (raw.kind === "manual") return { kind: "manual" };
  if (!NON_BLANK_PATTERN.test(raw.catalog)) p.add(`${field}/catalog`, "must not be empty");
  if (!NON_BLANK_PATTERN.test(raw.externalId)) p.add(`${field}/externalId`, "must not be empty");
  if (!HTTP_URL_PATTERN.test(raw.url)) p.add(`${field}/url`, "must be an http(s) URL");
  return { kind: "catalog", catalog: raw.catalog.trim(), externalId: raw.externalId.trim(), url: raw.url };
}

/**
 * Words a course can be found by: title, summary, tags and instructor name, lowercased and
 * with diacritics folded. Stored as an indexed array, so search works on any MongoDB-compatible store.
 */
export function searchTokens(...texts: string[]): string[] {
  const words = texts
    .join(" ")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}+#]+/u)
    .filter((w) => w.length >= 2 && w.length <= 40);
  return [...new Set(words)];
}
