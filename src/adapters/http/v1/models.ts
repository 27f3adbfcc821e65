// HTTP models of API v1: the request and response shapes clients see, registered once as
// named OpenAPI components. Plain TypeBox (not Elysia's `t.Integer`/`t.Numeric`, which accept
// strings and show up as `anyOf [string, integer]`) keeps the spec's types exact.
import { Type as T, type Static, type TSchema } from "@sinclair/typebox";
import {
  HTTP_URL_PATTERN,
  LANGUAGE_PATTERN,
  LEVELS,
  LIMITS,
  NON_BLANK_PATTERN,
  SLUG_PATTERN,
  STATUSES,
  TAG_PATTERN,
  TEXT_PATTERN,
  TITLE_PATTERN,
} from "../../../domain/course/values.ts";
import { COURSE_SORTS } from "../../../domain/course/repository.ts";
import type { CourseV1 } from "../../contract/course-v1.ts";

/** A reference to a named component, the form the OpenAPI generator resolves. */
export const ref = <S extends TSchema>(name: string, _schema?: S) =>
  T.Unsafe<Static<S>>(T.Ref(`#/components/schemas/${name}`));

/**
 * Key for the text rules the spec declares and the domain enforces (v1 → domain/course/values.ts).
 * JSON Schema counts code points and runs patterns in Unicode mode; TypeBox counts UTF-16 units and
 * compiles patterns without the `u` flag (so `\p{L}` would never match), so these stay out of the
 * request validator and are merged into the schema when the document is built (openapi.ts).
 */
export const SPEC_ONLY = "x-courses-spec-only";
type TextRules = { minLength?: number; maxLength?: number; pattern?: RegExp };
/** A string checked by the domain; its rules declared in the spec. */
const Text = ({ pattern, ...lengths }: TextRules, extra: Record<string, unknown> = {}) =>
  T.String({ ...extra, [SPEC_ONLY]: { ...lengths, ...(pattern ? { pattern: pattern.source } : {}) } });
const NonBlank = (maxLength?: number, extra: Record<string, unknown> = {}) =>
  Text({ minLength: 1, maxLength, pattern: NON_BLANK_PATTERN }, extra);
const Title = (extra: Record<string, unknown> = {}) =>
  Text(
    { minLength: LIMITS.titleMin, maxLength: LIMITS.titleMax, pattern: TITLE_PATTERN },
    {
      description: "At least 3 characters besides surrounding whitespace; runs of whitespace become one space",
      ...extra,
    },
  );
const FreeText = (maxLength: number, extra: Record<string, unknown> = {}) =>
  Text({ maxLength, pattern: TEXT_PATTERN }, extra);
const Language = (extra: Record<string, unknown> = {}) =>
  Text(
    { pattern: LANGUAGE_PATTERN },
    { description: "BCP 47 language tag; case is normalised (pt-br → pt-BR)", ...extra },
  );
const Tags = () =>
  T.Array(Text({ maxLength: LIMITS.tagMax, pattern: TAG_PATTERN }), {
    maxItems: LIMITS.tagsMax,
    description: "Lowercased, trailing spaces trimmed, duplicates dropped",
  });

const DateTime = (description: string) => T.String({ format: "date-time", description });
const Id = (description: string) => T.String({ format: "uuid", description });

export const Level = T.Union(
  LEVELS.map((l) => T.Literal(l)),
  { description: "Who the course is for" },
);
export const Status = T.Union(
  STATUSES.map((s) => T.Literal(s)),
  { description: "Lifecycle state: draft → published → archived → draft" },
);

export const Price = T.Object(
  {
    amount: T.Integer({
      minimum: 1,
      maximum: LIMITS.priceMax,
      description: "Integer minor units (cents)",
      examples: [4900],
    }),
    currency: T.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code", examples: ["EUR"] }),
  },
  { additionalProperties: false, description: "Price in minor units; null means free" },
);

export const Instructor = T.Object(
  {
    id: NonBlank(100, { examples: ["inst-42"] }),
    name: NonBlank(200, { examples: ["Ada Lovelace"] }),
  },
  { additionalProperties: false },
);

export const Lesson = T.Object(
  {
    id: Id("Lesson id (UUIDv7)"),
    title: T.String({ minLength: 1, maxLength: LIMITS.lessonTitleMax }),
    durationMinutes: T.Integer({ minimum: 1, maximum: LIMITS.lessonDurationMax }),
    position: T.Integer({ minimum: 0, description: "0-based place in the course" }),
  },
  { additionalProperties: false },
);

export const ManualSource = T.Object(
  { kind: T.Literal("manual") },
  { additionalProperties: false, description: "Written by hand" },
);
export const CatalogSource = T.Object(
  {
    kind: T.Literal("catalog"),
    catalog: NonBlank(undefined, { description: "External catalog name" }),
    externalId: NonBlank(undefined, { description: "The course's id in that catalog" }),
    url: T.String({
      format: "uri",
      [SPEC_ONLY]: { pattern: HTTP_URL_PATTERN.source },
      description: "The course's page in that catalog (http or https)",
    }),
  },
  { additionalProperties: false, description: "Imported from an external catalog" },
);

export const Origin = T.Object(
  {
    source: T.String({ minLength: 1, description: "Name of the scraper source (or catalog) it came from" }),
    externalId: T.String({ minLength: 1, description: "The item's id there: guid, id or link" }),
    link: T.String({ format: "uri", description: "The item's page there" }),
  },
  { additionalProperties: false, description: "Where an imported course came from; filter with ?source=" },
);

export const Course = T.Object(
  {
    id: Id("Course id (UUIDv7)"),
    slug: T.String({
      pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$",
      maxLength: LIMITS.slugMax,
      description: "Unique, URL-safe; fixed once published",
    }),
    title: T.String({ minLength: LIMITS.titleMin, maxLength: LIMITS.titleMax }),
    summary: T.String({ maxLength: LIMITS.summaryMax }),
    description: T.String({ maxLength: LIMITS.descriptionMax, description: "Markdown" }),
    language: T.String({ description: "BCP 47 language tag", examples: ["en-US"] }),
    level: ref("Level", Level),
    tags: T.Array(T.String(), { maxItems: LIMITS.tagsMax }),
    instructor: ref("Instructor", Instructor),
    price: T.Union([ref("Price", Price), T.Null()]),
    status: ref("Status", Status),
    lessons: T.Array(ref("Lesson", Lesson), { description: "In position order" }),
    totalDurationMinutes: T.Integer({ minimum: 0, description: "Sum of lesson durations" }),
    enrollmentCount: T.Integer({ minimum: 0 }),
    source: T.Union([ref("ManualSource", ManualSource), ref("CatalogSource", CatalogSource)]),
    origin: T.Union([ref("Origin", Origin), T.Null()], {
      description: "null for courses written by hand; the scraper's source, external id and link for imported ones",
    }),
    createdAt: DateTime("When the course was created"),
    updatedAt: DateTime("When the course last changed"),
    publishedAt: T.Union([DateTime("When the course was first published"), T.Null()]),
    archivedAt: T.Union([DateTime("When the course was archived"), T.Null()]),
    version: T.Integer({ minimum: 1, description: "Increases by one on every change; the ETag is this number" }),
  },
  { additionalProperties: false },
);

export const CourseCreate = T.Object(
  {
    title: Title({ examples: ["Intro to Bun"] }),
    slug: T.Optional(
      T.String({
        pattern: SLUG_PATTERN.source,
        maxLength: LIMITS.slugMax,
        description: "Lowercase letters and digits separated by single hyphens; defaults to one derived from the title",
      }),
    ),
    summary: T.Optional(FreeText(LIMITS.summaryMax)),
    description: T.Optional(FreeText(LIMITS.descriptionMax, { description: "Markdown" })),
    language: Language({ examples: ["en"] }),
    level: ref("Level", Level),
    tags: T.Optional(Tags()),
    instructor: ref("Instructor", Instructor),
    price: T.Optional(T.Union([ref("Price", Price), T.Null()])),
    source: T.Optional(T.Union([ref("ManualSource", ManualSource), ref("CatalogSource", CatalogSource)])),
  },
  { additionalProperties: false },
);

export const CoursePatch = T.Object(
  {
    title: T.Optional(Title()),
    slug: T.Optional(T.String({ pattern: SLUG_PATTERN.source, maxLength: LIMITS.slugMax })),
    summary: T.Optional(T.Union([FreeText(LIMITS.summaryMax), T.Null()])),
    description: T.Optional(T.Union([FreeText(LIMITS.descriptionMax), T.Null()])),
    language: T.Optional(Language()),
    level: T.Optional(ref("Level", Level)),
    tags: T.Optional(T.Union([Tags(), T.Null()])),
    instructor: T.Optional(ref("Instructor", Instructor)),
    price: T.Optional(T.Union([ref("Price", Price), T.Null()])),
  },
  {
    additionalProperties: false,
    description: "JSON merge patch (RFC 7396): absent leaves a field, null clears summary, description, tags or price",
  },
);

export const CourseList = T.Object(
  {
    items: T.Array(ref("Course", Course)),
    nextCursor: T.Union([T.String(), T.Null()], {
      description: "Pass as `cursor` for the next page; null on the last page",
    }),
  },
  { additionalProperties: false },
);

export const LessonCreate = T.Object(
  {
    title: NonBlank(LIMITS.lessonTitleMax),
    durationMinutes: T.Integer({ minimum: 1, maximum: LIMITS.lessonDurationMax }),
    position: T.Optional(
      T.Integer({ minimum: 0, description: "Where to insert (0-based); defaults to, and past the end means, the end" }),
    ),
  },
  { additionalProperties: false },
);

export const LessonPatch = T.Object(
  {
    title: T.Optional(NonBlank(LIMITS.lessonTitleMax)),
    durationMinutes: T.Optional(T.Integer({ minimum: 1, maximum: LIMITS.lessonDurationMax })),
  },
  { additionalProperties: false },
);

export const LessonOrder = T.Object(
  {
    lessonIds: T.Array(Id("A lesson id"), {
      description: "Every lesson id of the course, in the new order; any other set is a 409",
    }),
  },
  { additionalProperties: false },
);

export const FieldError = T.Object(
  {
    field: T.String({ description: "JSON pointer to the offending input", examples: ["/title"] }),
    message: T.String(),
    code: T.Optional(T.String()),
  },
  { additionalProperties: false },
);

export const Problem = T.Object(
  {
    type: T.String({ description: "URI reference naming the kind of problem", examples: ["/problems/not-found"] }),
    title: T.String(),
    status: T.Integer({ minimum: 400, maximum: 599 }),
    detail: T.Optional(T.String()),
    instance: T.Optional(T.String({ description: "The request path" })),
    traceId: T.Optional(T.String({ description: "Quote it when reporting a problem" })),
    code: T.Optional(
      T.String({
        description: "A stable reason within the type, for clients that branch on it",
        examples: ["outbox_full"],
      }),
    ),
    errors: T.Optional(T.Array(ref("FieldError", FieldError))),
  },
  { description: "RFC 9457 problem details" },
);

export const CourseListQuery = T.Object({
  status: T.Optional(ref("Status", Status)),
  tag: T.Optional(T.String()),
  level: T.Optional(ref("Level", Level)),
  language: T.Optional(T.String()),
  instructorId: T.Optional(T.String()),
  source: T.Optional(
    T.String({ minLength: 1, description: "Only courses imported from this scraper source (origin.source)" }),
  ),
  q: T.Optional(
    T.String({
      maxLength: 200,
      description: "Words that must all appear in the title, summary, tags or instructor name",
    }),
  ),
  sort: T.Optional(
    T.Union(
      COURSE_SORTS.map((s) => T.Literal(s)),
      {
        description:
          "Field to sort by; '-' for descending. publishedAt lists published courses only. Default: the cursor's sort, else -createdAt",
      },
    ),
  ),
  limit: T.Optional(T.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: T.Optional(
    T.String({
      pattern: "^[A-Za-z0-9_-]+$",
      maxLength: 2048,
      description: "nextCursor of the previous page, as returned (opaque); any other value is a 400",
    }),
  ),
});

export const MODELS = {
  Course,
  CourseCreate,
  CoursePatch,
  CourseList,
  Lesson,
  LessonCreate,
  LessonPatch,
  LessonOrder,
  Price,
  Instructor,
  Level,
  Status,
  ManualSource,
  CatalogSource,
  Origin,
  Problem,
  FieldError,
};

export type CourseDto = Static<typeof Course>;
// The Course schema describes exactly the v1 contract that events carry too: a field added to one
// and not the other fails the type check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const courseIsTheContract: Same<CourseDto, CourseV1> = true;
void courseIsTheContract;
export type CourseCreateDto = Static<typeof CourseCreate>;
export type CoursePatchDto = Static<typeof CoursePatch>;
export type LessonCreateDto = Static<typeof LessonCreate>;
export type LessonPatchDto = Static<typeof LessonPatch>;
