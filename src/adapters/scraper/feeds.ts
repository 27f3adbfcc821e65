// Feed and catalog documents → import items. Decoding (charset from Content-Type, the XML prolog or
// a BOM), parsing (feedsmith for RSS 2.0, RSS 1.0/RDF, Atom 1.0 and JSON Feed; JSON.parse for our
// catalog), and the mapping documented in docs/SCRAPER.md. Values over the domain's limits are
// trimmed where that is safe; an item that still cannot be a course is rejected with a reason.
import { Value } from "@sinclair/typebox/value";
import { XMLValidator } from "fast-xml-parser";
import { parseFeed } from "feedsmith";
import { compile } from "html-to-text";
import type { ImportItem } from "../../app/imports.ts";
import type { Level } from "../../domain/course/values.ts";
import { LIMITS, slugify } from "../../domain/course/values.ts";
import { CatalogCourse, type CatalogCourseData, CatalogPage } from "./catalog.ts";

export const SOURCE_KINDS = ["auto", "rss", "atom", "rdf", "jsonfeed", "catalog"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface ItemDefaults {
  language: string;
  level: Level;
  instructor: { id: string; name: string };
  tags: string[];
}

export type ParsedItem = { ok: true; item: ImportItem } | { ok: false; externalId?: string; reason: string };

export interface ParsedDocument {
  kind: Exclude<SourceKind, "auto">;
  items: ParsedItem[];
  /** Catalogs page with `next`. */
  next?: string;
}

/** The document could not be read as the expected kind at all (the source's run fails). */
export class DocumentError extends Error {}

/** Decodes with the charset of the Content-Type, else of the XML prolog, else a BOM, else UTF-8. */
export function decodeBody(body: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  const head = new TextDecoder("latin1").decode(body.subarray(0, 200));
  const fromProlog = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
  let label = fromHeader ?? fromProlog ?? "utf-8";
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = "utf-8";
  try {
    return new TextDecoder(label as ConstructorParameters<typeof TextDecoder>[0]).decode(body);
  } catch {
    throw new DocumentError(`unsupported character encoding '${label}'`);
  }
}

export function parseDocument(text: string, kind: SourceKind, baseUrl: string, defaults: ItemDefaults): ParsedDocument {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw new DocumentError(`not valid JSON: ${(e as Error).message}`);
    }
    const isCatalog =
      typeof json === "object" && json !== null && Array.isArray((json as { courses?: unknown }).courses);
    if (kind === "catalog" || (kind === "auto" && isCatalog)) return parseCatalog(json, baseUrl);
    return parseFeedDocument(json, kind, baseUrl, defaults);
  }
  if (kind === "catalog" || kind === "jsonfeed") throw new DocumentError(`expected JSON for a ${kind} source`);
  // Entity declarations are how "billion laughs" documents expand: feeds never need them.
  if (/<!DOCTYPE[^>[]*\[/i.test(trimmed.slice(0, 4096)))
    throw new DocumentError("documents with an internal DTD subset (entity declarations) are refused");
  // feedsmith is lenient (a feed cut off mid-way parses); a document that is not well-formed is
  // refused whole rather than imported in part.
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) throw new DocumentError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return parseFeedDocument(trimmed, kind, baseUrl, defaults);
}

// biome-ignore lint/suspicious/noExplicitAny: the four formats feedsmith returns are walked field by field, each read checked
type Any = Record<string, any>;

function parseFeedDocument(input: unknown, kind: SourceKind, baseUrl: string, defaults: ItemDefaults): ParsedDocument {
  let parsed: { format: string; feed: Any };
  try {
    parsed = parseFeed(input as string) as unknown as { format: string; feed: Any };
  } catch (e) {
    throw new DocumentError(`not a feed: ${(e as Error).message}`);
  }
  const format = ({ rss: "rss", atom: "atom", rdf: "rdf", json: "jsonfeed" } as const)[parsed.format as "rss"];
  if (!format) throw new DocumentError(`unsupported feed format ${parsed.format}`);
  if (kind !== "auto" && kind !== format) throw new DocumentError(`expected ${kind}, found ${format}`);
  const feed = parsed.feed;
  const entries: Any[] = feed.items ?? feed.entries ?? [];
  const docBase = absolute(feed.xml?.base, baseUrl) ?? baseUrl;
  const feedLanguage: string | undefined = feed.language ?? feed.xml?.lang ?? feed.dc?.languages?.[0];
  const feedAuthor = firstName(feed.authors) ?? feed.itunes?.author ?? feed.dc?.creators?.[0] ?? feed.author?.name;
  return {
    kind: format,
    items: entries.map((e) =>
      mapEntry(format, e, docBase, { ...defaults, language: languageOr(feedLanguage, defaults.language) }, feedAuthor),
    ),
  };
}

function mapEntry(format: string, e: Any, docBase: string, defaults: ItemDefaults, feedAuthor?: string): ParsedItem {
  const base = absolute(e.xml?.base ?? e.content?.xml?.base, docBase) ?? docBase;
  const link =
    format === "atom"
      ? absolute((e.links as Any[] | undefined)?.find((l) => !l.rel || l.rel === "alternate")?.href, base)
      : format === "jsonfeed"
        ? absolute(e.url ?? e.external_url, base)
        : absolute(e.link ?? e.rdf?.about, base);
  const rawId: string | undefined =
    format === "rss"
      ? e.guid?.value
      : format === "atom"
        ? e.id
        : format === "jsonfeed"
          ? e.id === undefined
            ? undefined
            : String(e.id)
          : e.rdf?.about;
  const externalId = (rawId?.trim() || link)?.slice(0, 500);
  if (!externalId) return { ok: false, reason: "no guid, id or link" };

  const title = clip(
    text(format === "atom" ? e.title?.value : e.title, format === "atom" ? e.title?.type : "html"),
    LIMITS.titleMax,
  );
  if (title.length < LIMITS.titleMin)
    return { ok: false, externalId, reason: `title shorter than ${LIMITS.titleMin} characters` };
  const media = e.media?.groups?.[0]?.description?.value ?? e.media?.description?.value;
  const summarySource =
    format === "atom"
      ? (e.summary?.value ?? media)
      : format === "jsonfeed"
        ? (e.summary ?? e.content_text)
        : (e.description ?? e.dc?.descriptions?.[0]);
  const contentSource =
    format === "atom"
      ? (e.content?.value ?? e.summary?.value ?? media)
      : format === "jsonfeed"
        ? (e.content_html ?? e.content_text)
        : (e.content?.encoded ?? e.description ?? e.dc?.descriptions?.[0]);
  const summary = clip(text(summarySource, "html"), LIMITS.summaryMax);
  const description = clip(text(contentSource, "html"), LIMITS.descriptionMax);
  const categories: string[] = [
    ...((e.categories as Any[] | undefined) ?? []).map((c) => c.name ?? c.label ?? c.term ?? ""),
    ...((e.tags as string[] | undefined) ?? []),
    ...((e.dc?.subjects as string[] | undefined) ?? []).flatMap((s) => s.split(/[,;]/)),
  ];
  const author = firstName(e.authors) ?? e.author ?? e.dc?.creators?.[0] ?? e.itunes?.author ?? feedAuthor;
  const authorName = typeof author === "string" ? clip(text(author, "text"), 200) : "";
  return {
    ok: true,
    item: {
      externalId,
      link: link ?? base,
      course: {
        title,
        summary,
        description,
        language: defaults.language,
        level: defaults.level,
        tags: normaliseTags([...categories, ...defaults.tags]),
        instructor: authorName
          ? { id: slugify(authorName).slice(0, 100) || "unknown", name: authorName }
          : defaults.instructor,
      },
    },
  };
}

/** Our catalog format (src/adapters/scraper/catalog.ts, docs/catalog.schema.json), paged with `next`. */
function parseCatalog(json: unknown, baseUrl: string): ParsedDocument {
  if (!Value.Check(CatalogPage, json))
    throw new DocumentError("a catalog page needs a 'courses' array (docs/catalog.schema.json)");
  const items = json.courses.map((raw): ParsedItem => {
    const rawId = (raw as { id?: unknown })?.id;
    const externalId = typeof rawId === "string" || typeof rawId === "number" ? String(rawId) : undefined;
    if (!Value.Check(CatalogCourse, raw)) {
      const e = Value.Errors(CatalogCourse, raw).First();
      return {
        ok: false,
        ...(externalId ? { externalId } : {}),
        reason: `not a catalog course: ${e?.path || "/"} ${e?.message}`,
      };
    }
    const c = raw as CatalogCourseData;
    return {
      ok: true,
      item: {
        externalId: String(c.id),
        link: absolute(c.url, baseUrl) ?? baseUrl,
        course: {
          title: c.title,
          summary: c.summary ?? "",
          description: c.description ?? "",
          language: c.language,
          level: c.level,
          tags: c.tags ?? [],
          instructor: c.instructor,
          price: c.price ?? null,
        },
        lessons: c.lessons ?? [],
        status: c.status ?? "draft",
        withdrawn: c.withdrawn === true,
      },
    };
  });
  const next = absolute(json.next, baseUrl);
  return { kind: "catalog", items, ...(next ? { next } : {}) };
}

/** Plain text from HTML (or text), whitespace collapsed. */
function text(value: unknown, type: string | undefined): string {
  if (typeof value !== "string") return "";
  const plain = type === "text" || type === undefined ? value : htmlToText(value);
  return plain.replace(/\s+/g, " ").trim();
}

/** Compiled once: html-to-text's `convert` compiles its options on every call. */
const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
    { selector: "script", format: "skip" },
    { selector: "style", format: "skip" },
  ],
});

/** Cuts at a word boundary with an ellipsis when over `max`. */
function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Lowercase words the API accepts: letters, digits, space + # . - ; at most 20 of 40 characters. */
export function normaliseTags(raw: string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    const t = r
      .toLowerCase()
      .replace(/[^\p{L}\p{N} +#.-]+/gu, " ")
      .replace(/\s+/g, " ")
      .replace(/^[^\p{L}\p{N}]+/u, "")
      .trim()
      .slice(0, LIMITS.tagMax)
      .trim();
    if (t && !out.includes(t)) out.push(t);
    if (out.length === LIMITS.tagsMax) break;
  }
  return out;
}

function languageOr(raw: string | undefined, fallback: string): string {
  const v = raw?.trim();
  return v && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(v) ? v : fallback;
}

function firstName(authors: unknown): string | undefined {
  return Array.isArray(authors)
    ? (authors.find((a) => typeof a?.name === "string")?.name as string | undefined)
    : undefined;
}

function absolute(href: unknown, base: string): string | undefined {
  if (typeof href !== "string" || !href.trim()) return undefined;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
