// Every error the HTTP layer returns is RFC 9457 problem+json, made by lib/xerrors.
// Elysia's own bodies (validation echoing schemas and values, text/plain parse errors and
// 404s) are replaced here.
import { Elysia } from "elysia";
import {
  AppError,
  type FieldError,
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

interface ValidationLike {
  all?: { path?: string; message?: string; summary?: string }[];
}

function validationFields(error: unknown): FieldError[] {
  const all = (error as ValidationLike).all ?? [];
  const fields = all.map((e) => ({ field: e.path || "/", message: e.summary ?? e.message ?? "is invalid" }));
  // One entry per field: the first message is the most specific.
  return fields.filter((f, i) => fields.findIndex((g) => g.field === f.field) === i);
}

/** Turns what Elysia or a handler threw into the AppError the client should see. */
export function toAppError(code: string | number, error: unknown): unknown {
  switch (code) {
    case "VALIDATION":
      return AppError.invalidArgument("The request is invalid; see errors for each field.", validationFields(error), {
        cause: error,
      });
    case "PARSE":
      // Our own body parser throws AppErrors (415, 413, bad JSON); Elysia wraps them.
      return (
        findAppError(error) ?? AppError.invalidArgument("The request body is not valid JSON.", [], { cause: error })
      );
    case "NOT_FOUND":
      return AppError.notFound("No such resource.", { cause: error });
    case "INVALID_COOKIE_SIGNATURE":
      return AppError.invalidArgument("A cookie signature is invalid.", [], { cause: error });
    default:
      return error;
  }
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

export function problemErrors(routes: () => { method: string; path: string }[] = () => []) {
  return new Elysia({ name: "problem-errors" }).onError({ as: "global" }, ({ code, error, request, route, set }) => {
    routeOf.setIfUnset(request, route);
    // Elysia sets `set.status` from the error's `status` and then copies any Response returned
    // here into a new one (body and headers merged: a tenth of an invalid POST's CPU). The
    // problem Response carries its own status, so it goes out as built.
    set.status = 200;
    const pathname = pathOf(request.url);
    // A path that exists, asked with a method it does not answer: 405 with Allow, not 404.
    const allow = code === "NOT_FOUND" ? allowedMethods(routes(), pathname) : [];
    if (allow.length) {
      const problem = toProblem(
        new AppError("method_not_allowed", `${request.method} is not allowed on ${pathname}; use ${allow.join(", ")}.`),
        { instance: pathname, traceId: currentTraceId() },
      );
      const res = problemResponse(problem);
      res.headers.set("allow", allow.join(", "));
      return res;
    }
    const appError = toAppError(code, error);
    const traceId = currentTraceId();
    const app = findAppError(appError);
    // A dependency outage is one warning when it starts and one line when it ends (outage.ts),
    // not an error per request; any other server fault is logged once with its full chain.
    if (app?.kind === "unavailable" && app.code) outages.failed(app.code, toLogObject(appError));
    else if (isServerFault(appError)) log().error({ err: toLogObject(appError), traceId }, "request failed");
    const res = problemResponse(toProblem(appError, { instance: pathname, traceId }));
    const retryAfter = app?.retryAfterSeconds ?? (app?.kind === "unavailable" ? 1 : undefined);
    if (retryAfter !== undefined) res.headers.set("retry-after", String(retryAfter));
    if (app?.kind === "method_not_allowed" && typeof app.context.allow === "string")
      res.headers.set("allow", app.context.allow);
    const wwwAuthenticate = app && challenge(app.kind, app.code, app.context?.scope as string | undefined);
    if (wwwAuthenticate) res.headers.set("www-authenticate", wwwAuthenticate);
    return res;
  });
}
