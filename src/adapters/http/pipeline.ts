// The request pipeline, written once, and the route table it runs. Routes are data (method, path,
// who may call, input schemas, the operation's documentation, the handler); the router (Elysia,
// used as a router only) and the OpenAPI document (openapi.ts) are both built from the tables.
//
// A request goes through, in this order:
//   server.ts   span, request id, body-size header check, start-up gate, deadline, metrics, access log
//   router      the route, or 404 / 405 with Allow (errors.ts)
//   runRoute    1. a path a more specific route owns, asked with another method: 405
//               2. authenticate and authorise with the route's access, before a byte of the body (401/403)
//               3. bound and read the JSON body (400/413/415, json-body.ts)
//               4. validate path parameters, query and body with one validator (400 per field, validate.ts)
//               5. run the handler: the use case, with the caller as the actor
//               6. its Response; a failure at any step is problem+json (errors.ts)
import type { Static, TSchema } from "@sinclair/typebox";
import { Elysia, type AnyElysia } from "elysia";
import { enterLogFields } from "../../../lib/xlog/index.ts";
import { type Authenticator, type Principal, requireScope, SCOPES } from "./auth.ts";
import { allowedMethods, methodNotAllowed, problemFor, routerErrors } from "./errors.ts";
import { readJsonBody } from "./json-body.ts";
import { pathOf, routeOf } from "./route.ts";
import { type InputCheck, valid, validQuery } from "./validate.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route: anyone (probes, docs); a reader (a token only when reads require one); a
 * token with courses:write; a token with courses:admin.
 */
export type Access = "public" | "read" | "write" | "admin";

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
  /** The authenticated caller; absent when the route or the configuration needs no token. */
  principal?: Principal;
}

/** A JSON request body: its model (a named schema) and the media types it comes in. */
export interface BodySpec<S extends TSchema> {
  model: string;
  check: InputCheck<S>;
  /** Also accepted as application/merge-patch+json (RFC 7396). */
  mergePatch?: boolean;
}

/** What the OpenAPI document says of an operation besides its inputs (v1/openapi.ts builds it). */
export interface OperationDoc {
  operationId: string;
  summary: string;
  tags: string[];
  responses: Record<string, unknown>;
  /** Header parameters (Idempotency-Key, If-Match, If-None-Match). */
  headers?: Record<string, unknown>[];
}

export interface Route<P extends TSchema = TSchema, Q extends TSchema = TSchema, B extends TSchema = TSchema> {
  method: Method;
  /** The router's template: "/v1/courses/:id". */
  path: string;
  access: Access;
  params?: InputCheck<P>;
  query?: InputCheck<Q>;
  body?: BodySpec<B>;
  /** Fields every log line of the request carries from here on, from its valid path parameters. */
  logFields?: (params: Static<P>) => Record<string, unknown>;
  /** The operation in the OpenAPI document; absent: served but not documented (probes, docs). */
  doc?: OperationDoc;
  handle(input: RouteInput<Static<P>, Static<Q>, Static<B>>): Response | Promise<Response>;
}

/** A route with its input types inferred from its checks (the table holds them untyped). */
export const route = <P extends TSchema = TSchema, Q extends TSchema = TSchema, B extends TSchema = TSchema>(
  r: Route<P, Q, B>,
): Route => r as unknown as Route;

export interface PipelineDeps {
  bodyLimit: number;
  /** Bearer JWT checks; absent: the API is open (auth.enabled false, e.g. behind a gateway that checks). */
  auth?: { authenticate: Authenticator; requireForReads: boolean };
}

/** Step 2: the caller, when the route (and the configuration) needs one, with the scope it needs. */
async function authorize(deps: PipelineDeps, access: Access, request: Request): Promise<Principal | undefined> {
  if (!deps.auth || access === "public" || (access === "read" && !deps.auth.requireForReads)) return undefined;
  const principal = await deps.auth.authenticate(request.headers.get("authorization"));
  if (access !== "read") requireScope(principal, SCOPES[access]);
  return principal;
}

/** Whether `other` is a more specific template that can match a path `template` matches. */
function shadows(other: string, template: string): boolean {
  const a = other.split("/");
  const b = template.split("/");
  if (a.length !== b.length || other === template) return false;
  let more = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || a[i]!.startsWith(":")) continue;
    if (!b[i]!.startsWith(":")) return false;
    more = true;
  }
  return more;
}

/** Steps 1 to 6 for one route of `all`. */
export function runRoute(r: Route, all: Route[], deps: PipelineDeps) {
  // PATCH /lessons/order matches /lessons/:lessonId, which would take "order" for a lesson id.
  const shadowed = all.some((o) => shadows(o.path, r.path));
  return async (request: Request, params: Record<string, string>, query: Record<string, unknown>) => {
    routeOf.set(request, r.path);
    enterLogFields({ route: r.path });
    try {
      if (shadowed) {
        const pathname = pathOf(request.url);
        const allow = allowedMethods(all, pathname);
        if (!allow.includes(r.method)) throw methodNotAllowed(request.method, pathname, allow);
      }
      const principal = await authorize(deps, r.access, request);
      const input = { params: r.params ? valid(r.params, params) : params, request, principal };
      if (r.logFields) enterLogFields(r.logFields(input.params));
      const body = r.body ? valid(r.body.check, await readJsonBody(request, deps.bodyLimit)) : undefined;
      return await r.handle({ ...input, body, query: r.query ? validQuery(r.query, query) : query });
    } catch (err) {
      return problemFor(err, pathOf(request.url));
    }
  };
}

/** The router for these tables: each route runs the pipeline; what no route answers is a problem. */
export function router(routes: Route[], deps: PipelineDeps): { app: AnyElysia; routes: Route[] } {
  // normalize off: Elysia validates nothing here (validate.ts does), and builds no cleaners.
  // standardHostname off: Elysia otherwise finds the path by searching from the 11th character, which
  // misroutes a request whose Host is shorter than 4 characters ("Host: x" → path "/courses").
  const app: AnyElysia = new Elysia({
    name: "courses-http",
    normalize: false,
    handler: { standardHostname: false },
  }).use(routerErrors(routes));
  for (const r of routes) {
    const run = runRoute(r, routes, deps);
    // Destructured, so Elysia prepares only these; the body is left to the pipeline (parse "none").
    app.route(r.method, r.path, ({ request, params, query }) => run(request, params, query), { parse: "none" });
  }
  return { app, routes };
}
