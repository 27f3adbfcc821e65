// The OpenAPI 3.1 document, built from the route tables (the same rows the router serves: their
// paths, access, input schemas and operation docs) and the v1 models; served at /openapi.json,
// with Swagger UI at /docs from assets inside the service.
import type { TSchema } from "@sinclair/typebox";
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import swaggerJs from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import { sortKeys } from "../../../lib/xjson/index.ts";
import { SCOPES } from "./auth.ts";
import { type Route, route } from "./pipeline.ts";
import { MODELS, SPEC_ONLY } from "./v1/models.ts";

export interface SpecInfo {
  version: string;
}

type Json = Record<string, unknown>;

/**
 * Drops what generators trip over (`$id` inside components) and puts in place the text rules the
 * domain enforces (SPEC_ONLY, see v1/models.ts).
 */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "$id") continue;
    if (k === SPEC_ONLY) Object.assign(out, v);
    else out[k] = normalise(v);
  }
  return simplified(out);
}

/**
 * TypeBox's unions in the forms generators read best: literals of one type as an `enum`, and a
 * type or null as one schema whose `type` lists both.
 */
function simplified(node: Json): Json {
  const { anyOf, ...rest } = node as Json & { anyOf?: Json[] };
  if (!anyOf) return node;
  const type = anyOf[0]?.type;
  if (anyOf.every((s) => s.const !== undefined && s.type === type && Object.keys(s).length === 2))
    return { ...rest, type, enum: anyOf.map((s) => s.const) };
  const nulls = anyOf.filter((s) => s.type === "null" && Object.keys(s).length === 1);
  const other = anyOf.find((s) => !nulls.includes(s));
  if (anyOf.length === 2 && nulls.length === 1 && typeof other?.type === "string")
    return { ...other, ...rest, type: [other.type, "null"] };
  return node;
}

const PROBLEM = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
/** Every operation of the document, with its path and method. */
const ops = (paths: Json) =>
  Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>).map(([method, op]) => ({ path, method, op })),
  );
const responsesOf = (op: Json) => (op.responses ?? {}) as Record<string, Json>;

/**
 * OpenAPI links from the responses that return a course to every operation on it (and on its first
 * lesson), so generated clients and stateful testers know where the ids come from.
 */
function responseLinks(paths: Json): void {
  const ids = ops(paths).map(({ path, op }) => ({ path, id: op.operationId as string }));
  const onCourse = ids.filter((o) => o.path.includes("{id}") && !o.path.includes("{lessonId}"));
  const onLesson = ids.filter((o) => o.path.includes("{lessonId}"));
  const bySlug = ids.find((o) => o.path.includes("{slug}"));
  const links = (courseId: string) => ({
    ...Object.fromEntries(onCourse.map((o) => [o.id, { operationId: o.id, parameters: { id: courseId } }])),
    ...Object.fromEntries(
      onLesson.map((o) => [
        o.id,
        { operationId: o.id, parameters: { id: courseId, lessonId: "$response.body#/lessons/0/id" } },
      ]),
    ),
    ...(bySlug ? { [bySlug.id]: { operationId: bySlug.id, parameters: { slug: "$response.body#/slug" } } } : {}),
  });
  // A page leads to the next page and to its first course.
  const list = (paths["/v1/courses"] as Record<string, Json> | undefined)?.get;
  const listOk = (list?.responses as Record<string, Json> | undefined)?.["200"];
  if (list && listOk)
    listOk.links = {
      nextPage: {
        operationId: list.operationId,
        parameters: { cursor: "$response.body#/nextCursor" },
        description: "The next page (only while nextCursor is not null); the cursor carries the sort",
      },
      ...Object.fromEntries(
        onCourse
          .filter((o) => o.path === "/v1/courses/{id}")
          .map((o) => [o.id, { operationId: o.id, parameters: { id: "$response.body#/items/0/id" } }]),
      ),
    };
  for (const { op } of ops(paths))
    for (const status of ["200", "201"]) {
      const r = responsesOf(op)[status];
      const schema = (r?.content as Json | undefined)?.["application/json"] as Json | undefined;
      if ((schema?.schema as Json | undefined)?.$ref !== "#/components/schemas/Course") continue;
      // The id from the body, not the request: by-slug has no {id}, and the body is the course.
      r!.links = links("$response.body#/id");
    }
}

/**
 * Every operation answers any status it does not list as problem+json (the `default` response),
 * so a generated strict server can answer one and a client can type it.
 */
function defaultResponses(paths: Json): void {
  for (const { op } of ops(paths))
    op.responses = {
      ...responsesOf(op),
      default: { description: "Any other error, as RFC 9457 problem+json", content: PROBLEM },
    };
}

/**
 * Names what generators would otherwise inline: a course's `source` is a discriminated union
 * (`oneOf` on `kind`, so a typed client gets one type per kind), and the list's `sort` an enum.
 */
function namedSchemas(paths: Json, schemas: Json): void {
  schemas.CourseSource = {
    description: "Where the course comes from: written by hand, or imported from an external catalog",
    oneOf: [{ $ref: "#/components/schemas/ManualSource" }, { $ref: "#/components/schemas/CatalogSource" }],
    discriminator: {
      propertyName: "kind",
      mapping: { manual: "#/components/schemas/ManualSource", catalog: "#/components/schemas/CatalogSource" },
    },
  };
  const isSource = (v: unknown) =>
    JSON.stringify(v) ===
    JSON.stringify({
      anyOf: [{ $ref: "#/components/schemas/ManualSource" }, { $ref: "#/components/schemas/CatalogSource" }],
    });
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (!node || typeof node !== "object") return node;
    if (isSource(node)) return { $ref: "#/components/schemas/CourseSource" };
    return Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, replace(v)]));
  };
  for (const [name, schema] of Object.entries(schemas)) if (name !== "CourseSource") schemas[name] = replace(schema);
  for (const { op } of ops(paths))
    for (const p of (op.parameters ?? []) as Json[])
      if (p.in === "query" && p.name === "sort") {
        const { description, ...schema } = p.schema as Json;
        schemas.CourseSort = { ...schema, description: "Sort order of a list: a field, descending with a leading -" };
        p.schema = { $ref: "#/components/schemas/CourseSort" };
        if (description) p.description = description;
      }
}

/** A route's operation: its parameters from its input schemas, its body, its access. */
function operationOf(r: Route): Json {
  const doc = r.doc!;
  const members = (check: { schema: TSchema } | undefined, where: string) => {
    const schema = check?.schema;
    const required = new Set((schema?.required as string[] | undefined) ?? []);
    return Object.entries((schema?.properties ?? {}) as Record<string, TSchema>).map(([name, s]) => ({
      name,
      in: where,
      required: where === "path" || required.has(name),
      schema: s,
    }));
  };
  const parameters = [...members(r.params, "path"), ...members(r.query, "query"), ...(doc.headers ?? [])];
  const op: Json = { operationId: doc.operationId, summary: doc.summary, tags: doc.tags, responses: doc.responses };
  if (parameters.length) op.parameters = parameters;
  if (r.body) {
    const schema = { $ref: `#/components/schemas/${r.body.model}` };
    op.requestBody = {
      required: true,
      content: {
        ...(r.body.mergePatch ? { "application/merge-patch+json": { schema } } : {}),
        "application/json": { schema },
      },
    };
  }
  // A token with a scope: the bearer scheme, and the 401 and 403 answers.
  if (r.access === "write" || r.access === "admin") {
    const scope = SCOPES[r.access];
    op.security = [{ bearerAuth: [scope] }];
    op.responses = {
      ...responsesOf(op),
      "401": { description: "No valid bearer token (see WWW-Authenticate)", content: PROBLEM },
      "403": { description: `The token lacks the ${scope} scope`, content: PROBLEM },
    };
  }
  return op;
}

export function buildOpenApiDocument(routes: Route[], info: SpecInfo): Json {
  const operations: Json = {};
  for (const r of routes.filter((x) => x.doc)) {
    const path = r.path.replace(/:([^/]+)/g, "{$1}");
    operations[path] = { ...(operations[path] as Json | undefined), [r.method.toLowerCase()]: operationOf(r) };
  }
  // JSON, not the schema objects: TypeBox's own markers are symbols and stay behind.
  const paths = normalise(JSON.parse(JSON.stringify(operations))) as Json;
  const schemas = normalise(JSON.parse(JSON.stringify(MODELS))) as Json;
  responseLinks(paths);
  defaultResponses(paths);
  namedSchemas(paths, schemas);
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "Courses API",
      version: info.version,
      description:
        "Courses of the online-learning platform: CRUD, lifecycle (draft → published → archived) and lessons. Errors are RFC 9457 problem+json. Changes use optimistic concurrency through ETag/If-Match; creation honours Idempotency-Key.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    // A generator needs an absolute URL; the relative one serves the document's own origin.
    servers: [
      { url: "http://localhost:8080", description: "Development (`bun run dev`)" },
      { url: "/", description: "The server this document came from" },
    ],
    tags: [
      { name: "courses", description: "Courses and their lifecycle" },
      { name: "lessons", description: "The ordered lessons of a course" },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT (HS256, or RS256/ES256 from the configured JWKS) with the operation's scopes in its `scope` claim: courses:write for changes, courses:admin to delete a course. Reads need no token unless the server requires it.",
        },
      },
    },
  };
  return sortKeys(doc);
}

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Courses API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;
const DOCS_INIT = `SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" });\n`;
/** No inline script: the page runs only our own files. Swagger UI sets inline styles and data: images. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const asset = (file: string, type: string) => () =>
  new Response(Bun.file(file), { headers: { "content-type": type, "cache-control": "public, max-age=86400" } });

/** /openapi.json and /docs (public, not in the document); the document is built once, on first request. */
export function openApiRoutes(routes: () => Route[], info: SpecInfo): Route[] {
  let cached: string | undefined;
  const page = (body: string, headers: Record<string, string>) => () => new Response(body, { headers });
  return [
    route({
      method: "GET",
      path: "/openapi.json",
      access: "public",
      handle: () => {
        cached ??= JSON.stringify(buildOpenApiDocument(routes(), info), null, 2);
        return new Response(cached, { headers: { "content-type": "application/json" } });
      },
    }),
    route({
      method: "GET",
      path: "/docs",
      access: "public",
      handle: page(DOCS_HTML, { "content-type": "text/html; charset=utf-8", "content-security-policy": DOCS_CSP }),
    }),
    route({
      method: "GET",
      path: "/docs/init.js",
      access: "public",
      handle: page(DOCS_INIT, { "content-type": "text/javascript" }),
    }),
    route({ method: "GET", path: "/docs/swagger-ui.css", access: "public", handle: asset(swaggerCss, "text/css") }),
    route({
      method: "GET",
      path: "/docs/swagger-ui-bundle.js",
      access: "public",
      handle: asset(swaggerJs, "text/javascript"),
    }),
  ];
}
