// Our catalog format: partners who want to send complete courses (lessons, price, status) publish
// JSON pages of this shape, linked by `next`. One schema: the parser checks each course against it,
// and `bun run gen` publishes it as docs/catalog.schema.json (docs/SCRAPER.md shows an example).
import { type Static, Type as T } from "@sinclair/typebox";
import { LEVELS, LIMITS } from "../../domain/course/values.ts";

export const CatalogCourse = T.Object(
  {
    id: T.Union([T.String({ minLength: 1, maxLength: 500 }), T.Integer()], {
      description: "The course's id in the catalog; stable across pages and runs",
    }),
    url: T.Optional(T.String({ description: "The course's page (absolute, or relative to the catalog page)" })),
    title: T.String({ minLength: LIMITS.titleMin, maxLength: LIMITS.titleMax }),
    summary: T.Optional(T.String({ maxLength: LIMITS.summaryMax })),
    description: T.Optional(T.String({ maxLength: LIMITS.descriptionMax, description: "Markdown" })),
    language: T.String({ description: "BCP 47 language tag", examples: ["en", "pt-BR"] }),
    level: T.Union(LEVELS.map((l) => T.Literal(l))),
    tags: T.Optional(T.Array(T.String({ maxLength: LIMITS.tagMax }), { maxItems: LIMITS.tagsMax })),
    instructor: T.Object({
      id: T.String({ minLength: 1, maxLength: 100 }),
      name: T.String({ minLength: 1, maxLength: 200 }),
    }),
    price: T.Optional(
      T.Union([
        T.Object({
          amount: T.Integer({ minimum: 1, maximum: LIMITS.priceMax, description: "Minor units (cents)" }),
          currency: T.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217" }),
        }),
        T.Null(),
      ]),
    ),
    lessons: T.Optional(
      T.Array(
        T.Object({
          title: T.String({ minLength: 1, maxLength: LIMITS.lessonTitleMax }),
          durationMinutes: T.Integer({ minimum: 1, maximum: LIMITS.lessonDurationMax }),
        }),
        { maxItems: LIMITS.lessonsMax, description: "In order; replaces the course's lessons" },
      ),
    ),
    status: T.Optional(
      T.Union([T.Literal("draft"), T.Literal("published"), T.Literal("archived")], {
        default: "draft",
        description: "published needs a summary, a description and at least one lesson",
      }),
    ),
    withdrawn: T.Optional(T.Boolean({ description: "true: the partner took the course back; it is archived here" })),
  },
  { description: "One course of a catalog page" },
);

export const CatalogPage = T.Object(
  {
    courses: T.Array(T.Unknown(), {
      description: "Courses (CatalogCourse); an invalid one is rejected alone, with its reason",
    }),
    next: T.Optional(
      T.String({ description: "The next page (absolute, or relative to this one); absent on the last" }),
    ),
  },
  {
    $id: "https://courses.example/schemas/catalog.schema.json",
    title: "Courses catalog page",
    description: "A page of a partner catalog imported by the courses scraper (docs/SCRAPER.md)",
  },
);

export type CatalogCourseData = Static<typeof CatalogCourse>;

/** The published JSON Schema (draft 2020-12) of a catalog page, CatalogCourse inlined under $defs. */
export function catalogJsonSchema(): Record<string, unknown> {
  const strip = (o: unknown): unknown => JSON.parse(JSON.stringify(o));
  const page = strip(CatalogPage) as Record<string, unknown> & { properties: Record<string, unknown> };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    ...page,
    properties: {
      ...page.properties,
      courses: { type: "array", items: { $ref: "#/$defs/CatalogCourse" }, description: "Courses of this page" },
    },
    $defs: { CatalogCourse: strip(CatalogCourse) },
  };
}
