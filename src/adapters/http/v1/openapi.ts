// OpenAPI details for API v1 operations: every response documented with its schema, content
// type, headers and an example, so generated clients know every outcome.
import { IDEMPOTENCY_KEY_PATTERN } from "../idempotency.ts";
import { KINDS, type ErrorKind, problemType } from "../../../../lib/xerrors/index.ts";
import type { OperationDoc } from "../pipeline.ts";

const STATUS_KIND: Record<number, ErrorKind> = {
  400: "invalid_argument",
  404: "not_found",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  500: "internal",
  503: "unavailable",
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input: malformed JSON, a schema violation or a broken rule; `errors` lists each field",
  404: "No such course (or lesson)",
  409: "Conflict: an illegal lifecycle transition, a taken slug, or a reused Idempotency-Key",
  412: "If-Match does not match the course's current ETag",
  413: "The body is larger than the limit",
  415: "The body is not JSON",
  500: "Unexpected error; the body carries only a traceId",
  503: "The store is unavailable; retry later",
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemRef = { $ref: "#/components/schemas/Problem" };

function problemExample(status: number) {
  const kind = STATUS_KIND[status]!;
  return {
    type: problemType(kind),
    title: KINDS[kind].title,
    status,
    detail: ERROR_DESCRIPTIONS[status],
    instance: "/v1/courses/0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    ...(status === 400
      ? { errors: [{ field: "/title", message: "must be 3 to 200 characters", code: "invalid" }] }
      : {}),
  };
}

const COURSE_EXAMPLE = {
  id: "0193b8a4-6f1e-7c2a-9d3e-3f1b2c4d5e6f",
  slug: "intro-to-bun",
  title: "Intro to Bun",
  summary: "Build and ship TypeScript services on Bun.",
  description: "# Intro to Bun\n\nFrom `bun init` to a compiled binary.",
  language: "en-US",
  level: "beginner",
  tags: ["bun", "typescript"],
  instructor: { id: "inst-42", name: "Ada Lovelace" },
  price: { amount: 4900, currency: "EUR" },
  status: "published",
  lessons: [
    { id: "0193b8a4-7a10-7c2a-8d3e-3f1b2c4d5e70", title: "Installing Bun", durationMinutes: 12, position: 0 },
    { id: "0193b8a4-7a11-7c2a-8d3e-3f1b2c4d5e71", title: "Your first server", durationMinutes: 25, position: 1 },
  ],
  totalDurationMinutes: 37,
  enrollmentCount: 128,
  source: { kind: "manual" },
  origin: null,
  createdAt: "2026-11-02T09:15:00.000Z",
  updatedAt: "2026-11-20T16:40:12.000Z",
  publishedAt: "2026-11-03T08:00:00.000Z",
  archivedAt: null,
  version: 7,
};

const SUCCESS_EXAMPLES: Record<string, unknown> = {
  Course: COURSE_EXAMPLE,
  CourseList: {
    items: [COURSE_EXAMPLE],
    nextCursor: "eyJzIjoiLWNyZWF0ZWRBdCIsInYiOiIyMDI2LTExLTAyVDA5OjE1OjAwLjAwMFoiLCJpZCI6IjAxOTNiOGE0In0",
  },
};

const ETAG_HEADER = {
  ETag: {
    description: "The course's version, quoted; send it back in If-Match",
    schema: { type: "string" },
    example: '"3"',
  },
};
const LOCATION_HEADER = { Location: { description: "Path of the created resource", schema: { type: "string" } } };

export interface OperationOptions {
  idempotent?: boolean;
  /** Honours If-Match (the operation can answer 412). */
  ifMatch?: boolean;
  /** Honours If-None-Match (the operation can answer 304). */
  conditionalGet?: boolean;
  location?: boolean;
}

type SuccessSpec = { 200?: string; 201?: string; 204?: null; errors: number[] };

const IDEMPOTENCY_KEY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes retries safe: the same key and body replay the first response; the same key with another body is a 409. Kept 24 h.",
  schema: { type: "string", minLength: 8, maxLength: 200, pattern: IDEMPOTENCY_KEY_PATTERN.source },
};
const IF_MATCH_PARAMETER = {
  in: "header",
  name: "If-Match",
  required: false,
  description:
    "The course's strong ETag as last read: the change applies only if the course is still that representation (412 otherwise). `*` or absent: no condition.",
  schema: { type: "string", examples: ['"3"', '"3.17"'] },
};
const IF_NONE_MATCH_PARAMETER = {
  in: "header",
  name: "If-None-Match",
  required: false,
  description: "ETags of copies the client holds: 304 without a body when one is current.",
  schema: { type: "string", examples: ['"3"'] },
};

/** An operation's documentation: its responses with schemas, headers and examples, and its header parameters. */
export function operation(
  operationId: string,
  summary: string,
  spec: SuccessSpec,
  opts: OperationOptions = {},
): OperationDoc {
  const responses: Record<
    string,
    { description: string; headers?: Record<string, object>; content?: Record<string, object> }
  > = {};
  for (const status of [200, 201] as const) {
    const model = spec[status];
    if (!model) continue;
    responses[status] = {
      description: status === 201 ? "Created" : "OK",
      headers: {
        ...(model === "Course" ? ETAG_HEADER : {}),
        ...(status === 201 && opts.location ? LOCATION_HEADER : {}),
        ...(opts.idempotent
          ? {
              "Idempotent-Replayed": {
                description:
                  "true when this is the stored response of an earlier request with the same Idempotency-Key",
                schema: { type: "string" },
              },
            }
          : {}),
      },
      content: { "application/json": { schema: ref(model), example: SUCCESS_EXAMPLES[model] } },
    };
  }
  if (spec[204] === null) responses[204] = { description: "Deleted" };
  if (opts.conditionalGet)
    responses[304] = { description: "Not modified: If-None-Match names the current ETag", headers: ETAG_HEADER };
  for (const status of [...new Set([...spec.errors, 500, 503])].sort()) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Error",
      content: { "application/problem+json": { schema: problemRef, example: problemExample(status) } },
    };
  }
  const headers = [
    ...(opts.idempotent ? [IDEMPOTENCY_KEY_PARAMETER] : []),
    ...(opts.ifMatch ? [IF_MATCH_PARAMETER] : []),
    ...(opts.conditionalGet ? [IF_NONE_MATCH_PARAMETER] : []),
  ];
  return {
    operationId,
    summary,
    tags: [operationId.includes("Lesson") ? "lessons" : "courses"],
    responses,
    ...(headers.length ? { headers } : {}),
  };
}
