// Every error the HTTP layer returns is RFC 9457 problem+json, made by lib/xerrors: a route's
// failure (pipeline.ts) and what the router answers itself (no route, another method).
import { Elysia } from "elysia";
import {
  AppError,
  findAppError,
  isServerFault,
  problemResponse,
  toLogObject,
  toProblem,
} from "../../../lib/xerrors/index.ts";
import { log } from "../../../lib/xlog/index.ts";
import { currentTraceId } from "../telemetry/tracing.ts";
import { challenge } from "./auth.ts";
import { outages } from "./outage.ts";
import { pathOf, routeOf } from "./route.ts";

/** What the router threw, as the AppError the client should see (its own 404 included). */
function toAppError(code: string | number, error: unknown): unknown {
  return code === "NOT_FOUND" ? AppError.notFound("No such resource.", { cause: error }) : error;
}

/** A route template as a matcher, built once per template (a 404 flood must not recompile them). */
const templates = new Map<string, { re: RegExp; literals: number }>();
function template(path: string) {
  let t = templates.get(path);
  if (!t) {
    const pattern = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+");
    t = {
      re: new RegExp(`^${pattern}/?$`),
      literals: path.split("/").filter((seg) => seg && !seg.startsWith(":")).length,
    };
    templates.set(path, t);
  }
  return t;
}

/** The methods some route answers on this path (for 405 and its Allow header). */
export function allowedMethods(routes: { method: string; path: string }[], pathname: string): string[] {
  const matching = routes.filter((r) => template(r.path).re.test(pathname));
  // The most specific template wins, as in routing: /lessons/order is not /lessons/:lessonId.
  const best = Math.max(0, ...matching.map((r) => template(r.path).literals));
  const methods = matching
    .filter((r) => template(r.path).literals === best)
    .map((r) => r.method.toUpperCase())
    .filter((m) => m !== "ALL");
  return [...new Set(methods)].sort();
}

/**
 * The problem+json answer to a failed request: what is logged (an outage once, any other server
 * fault with its chain), and the headers that go with its kind (Retry-After, Allow,
 * WWW-Authenticate).
 */
export function problemFor(error: unknown, pathname: string): Response {
  const traceId = currentTraceId();
  const app = findAppError(error);
  // A dependency outage is one warning when it starts and one line when it ends (outage.ts),
  // not an error per request; any other server fault is logged once with its full chain.
  if (app?.kind === "unavailable" && app.code) outages.failed(app.code, toLogObject(error));
  else if (isServerFault(error)) log().error({ err: toLogObject(error), traceId }, "request failed");
  const res = problemResponse(toProblem(error, { instance: pathname, traceId }));
  const retryAfter = app?.retryAfterSeconds ?? (app?.kind === "unavailable" ? 1 : undefined);
  if (retryAfter !== undefined) res.headers.set("retry-after", String(retryAfter));
  if (app?.kind === "method_not_allowed" && typeof app.context.allow === "string")
    res.headers.set("allow", app.context.allow);
  const wwwAuthenticate = app && challenge(app.kind, app.code, app.context?.scope as string | undefined);
  if (wwwAuthenticate) res.headers.set("www-authenticate", wwwAuthenticate);
  return res;
}

/** A 405 for a path some route answers with other methods. */
export const methodNotAllowed = (method: string, pathname: string, allow: string[]) =>
  new AppError("method_not_allowed", `${method} is not allowed on ${pathname}; use ${allow.join(", ")}.`, {
    context: { allow: allow.join(", ") },
  });

/**
 * What the router itself answers as problem+json: no route (404, or 405 with Allow when the path
 * is a route's with another method) and anything thrown before a route's pipeline ran.
 */
export function routerErrors(routes: { method: string; path: string }[]) {
  return new Elysia({ name: "problem-errors" }).onError({ as: "global" }, ({ code, error, request, route, set }) => {
    routeOf.setIfUnset(request, route);
    // Elysia sets `set.status` from the error's `status` and then copies any Response returned
    // here into a new one (body and headers merged). The problem Response carries its own
    // status, so it goes out as built.
    set.status = 200;
    const pathname = pathOf(request.url);
    const allow = code === "NOT_FOUND" ? allowedMethods(routes, pathname) : [];
    return problemFor(
      allow.length ? methodNotAllowed(request.method, pathname, allow) : toAppError(code, error),
      pathname,
    );
  });
}
