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

export function parseTitle(raw: string, p: Problems, field = "/title"): string {
  const v = raw.trim().replace(/\s+/g, " ");
  if (v.length < LIMITS.titleMin || v.length > LIMITS.titleMax)
    p.add(field, `must be ${LIMITS.titleMin} to ${LIMITS.titleMax} characters`);
  return v;
}

export function parseText(raw: string, max: number, p: Problems, field: string): string {
  const v = raw.trim();
  if (v.length > max) p.add(field, `must be at most ${max} characters`);
  return v;
}

// BCP 47: a language subtag with optional script, region and variants (e.g. en, en-US, zh-Hant-TW).
const BCP47 = /^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?(-([a-zA-Z\d]{5,8}|\d[a-zA-Z\d]{3}))*$/;

/** Normalises case the BCP 47 way: language lower, script title, region upper. */
export function parseLanguage(raw: string, p: Problems, field = "/language"): string {
  if (!BCP47.test(raw)) {
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
export function parseTags(raw: string[], p: Problems, field = "/tags"): string[] {
  const tags = [...new Set(raw.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (tags.length > LIMITS.tagsMax) p.add(field, `must hold at most ${LIMITS.tagsMax} tags`);
  tags.forEach((t, i) => {
    if (t.length > LIMITS.tagMax || !/^[\p{L}\p{N}][\p{L}\p{N} +#.-]*$/u.test(t))
      p.add(`${field}/${i}`, `must be a word of at most ${LIMITS.tagMax} letters, digits, spaces or + # . -`);
  });
  return tags;
}

export function parseInstructor(raw: Instructor, p: Problems, field = "/instructor"): Instructor {
  const id = raw.id.trim();
  const name = raw.name.trim();
  if (!id || id.length > 100) p.add(`${field}/id`, "must be 1 to 100 characters");
  if (!name || name.length > 200) p.add(`${field}/name`, "must be 1 to 200 characters");
  return { id, name };
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

export function parseSource(raw: CourseSource, p: Problems, field = "/source"): CourseSource {
  if (raw.kind === "manual") return { kind: "manual" };
  if (!raw.catalog.trim()) p.add(`${field}/catalog`, "must not be empty");
  if (!raw.externalId.trim()) p.add(`${field}/externalId`, "must not be empty");
  if (!URL.canParse(raw.url) || !/^https?:/.test(raw.url)) p.add(`${field}/url`, "must be an http(s) URL");
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
