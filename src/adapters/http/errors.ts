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
import { routeOf } from "./route.ts";

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

export function problemErrors() {
  return new Elysia({ name: "problem-errors" }).onError({ as: "global" }, ({ code, error, request, route }) => {
    routeOf.setIfUnset(request, route);
    const appError = toAppError(code, error);
    const traceId = currentTraceId();
    if (isServerFault(appError)) {
      // The one log entry with the full chain; the client only gets the traceId.
      log().error({ err: toLogObject(appError), traceId }, "request failed");
    }
    return problemResponse(toProblem(appError, { instance: new URL(request.url).pathname, traceId }));
  });
}
