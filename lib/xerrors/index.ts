// xerrors: application errors that help the developer and tell the client nothing sensitive.
//
// An AppError has a kind (which decides the HTTP status), a public message safe to show a
// client, optional field errors, and an internal cause chain with context added at each wrap.
// toProblem() turns any thrown value into an RFC 9457 problem document; anything that is not
// an AppError becomes a generic 500 that carries no message, stack, driver text or hostname.

export const KINDS = {
  invalid_argument: { status: 400, title: "Invalid argument" },
  unauthenticated: { status: 401, title: "Unauthenticated" },
  permission_denied: { status: 403, title: "Permission denied" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  not_acceptable: { status: 406, title: "Not acceptable" },
  conflict: { status: 409, title: "Conflict" },
  precondition_failed: { status: 412, title: "Precondition failed" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  precondition_required: { status: 428, title: "Precondition required" },
  too_many_requests: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
  deadline_exceeded: { status: 504, title: "Deadline exceeded" },
} as const;

export type ErrorKind = keyof typeof KINDS;

/** A problem with one input field; `field` is a JSON pointer-like path such as `/title`. */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export type ErrorContext = Record<string, unknown>;

export interface AppErrorOptions {
  fields?: FieldError[];
  /** A stable, machine-readable reason within the kind (e.g. `outbox_full`), sent as the problem's `code`. */
  code?: string;
  cause?: unknown;
  context?: ErrorContext;
  /** When a retry may succeed, in seconds: HTTP adapters send it as Retry-After. */
  retryAfterSeconds?: number;
}

/** The error type of the application. `message` is internal; `publicMessage` may reach clients. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly kind: ErrorKind;
  readonly publicMessage: string;
  readonly fields: FieldError[];
  readonly code?: string;
  readonly context: ErrorContext;
  readonly retryAfterSeconds?: number;
  override readonly cause?: unknown;

  constructor(kind: ErrorKind, publicMessage: string, opts: AppErrorOptions = {}) {
    // The client's mistakes (4xx) are answered, never logged with a stack: capturing one through
    // the framework's frames was the costliest part of building a 400.
    const limit = Error.stackTraceLimit;
    if (KINDS[kind].status < 500) Error.stackTraceLimit = 0;
    super(publicMessage);
    Error.stackTraceLimit = limit;
    this.kind = kind;
    this.publicMessage = publicMessage;
    this.fields = opts.fields ?? [];
    if (opts.code) this.code = opts.code;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
    this.context = opts.context ?? {};
    this.cause = opts.cause;
  }

  get status(): number {
    return KINDS[this.kind].status;
  }

  static invalidArgument(message: string, fields?: FieldError[], opts?: Omit<AppErrorOptions, "fields">) {
    return new AppError("invalid_argument", message, { ...opts, fields });
  }
  static notFound(message: string, opts?: AppErrorOptions) {
    return new AppError("not_found", message, opts);
  }
  static conflict(message: string, opts?: AppErrorOptions) {
    return new AppError("conflict", message, opts);
  }
  static preconditionFailed(message: string, opts?: AppErrorOptions) {
    return new AppError("precondition_failed", message, opts);
  }
  static unauthenticated(message: string, opts?: AppErrorOptions) {
    return new AppError("unauthenticated", message, opts);
  }
  static permissionDenied(message: string, opts?: AppErrorOptions) {
    return new AppError("permission_denied", message, opts);
  }
  static tooManyRequests(message: string, opts?: AppErrorOptions) {
    return new AppError("too_many_requests", message, opts);
  }
  static unavailable(message: string, opts?: AppErrorOptions) {
    return new AppError("unavailable", message, opts);
  }
  static internal(message: string, opts?: AppErrorOptions) {
    return new AppError("internal", message, opts);
  }
}

/**
 * Adds context to an error on its way up. The result keeps the kind, public message and field
 * errors of the nearest AppError in the chain (or is `internal` when there is none); the
 * wrapped error stays reachable as `cause` for logs.
 */
export class WrappedError extends Error {
  override readonly name = "WrappedError";
  override readonly cause: unknown;
  readonly context: ErrorContext;
  constructor(message: string, cause: unknown, context: ErrorContext = {}) {
    super(message);
    this.cause = cause;
    this.context = context;
  }
}

export function wrap(cause: unknown, message: string, context?: ErrorContext): WrappedError {
  return new WrappedError(message, cause, context);
}

/** Every error in the chain, outermost first (follows `cause`, guards against cycles). */
export function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    out.push(cur);
    seen.add(cur);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return out;
}

/** The outermost AppError in the chain, if any. */
export function findAppError(err: unknown): AppError | undefined {
  return chain(err).find((e): e is AppError => e instanceof AppError);
}

/** The kind that decides how the error is reported: the nearest AppError's, else `internal`. */
export function kindOf(err: unknown): ErrorKind {
  return findAppError(err)?.kind ?? "internal";
}

/** True when an AppError of this kind is anywhere in the chain. */
export function hasKind(err: unknown, kind: ErrorKind): boolean {
  return chain(err).some((e) => e instanceof AppError && e.kind === kind);
}

/** One line for logs: every message of the chain joined with ": ". */
export function describe(err: unknown): string {
  return chain(err)
    .map((e) => (e instanceof Error ? e.message : String(e)))
    .join(": ");
}

/** A structured form of the whole chain, for the one log entry an unexpected error gets. */
export function toLogObject(err: unknown): Record<string, unknown> {
  const links = chain(err);
  const context = Object.assign({}, ...links.map((e) => (e as { context?: ErrorContext })?.context ?? {}).reverse());
  const root = links[links.length - 1];
  return {
    kind: kindOf(err),
    message: describe(err),
    type: links.map((e) => (e instanceof Error ? e.name : typeof e)).join(" < "),
    ...(Object.keys(context).length ? { context } : {}),
    ...(root instanceof Error && root.stack ? { stack: root.stack } : {}),
  };
}

/** RFC 9457 problem details, with the extensions this service adds. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  traceId?: string;
  /** A stable reason within the type, for clients that branch on it (e.g. `outbox_full`). */
  code?: string;
  errors?: FieldError[];
}

export interface ProblemOptions {
  /** The request path or another URI reference for this occurrence. */
  instance?: string;
  traceId?: string;
  /** Prefix of `type` URIs; the kind is appended, e.g. `/problems/not_found`. */
  typeBase?: string;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
const INTERNAL_DETAIL = "An unexpected error occurred. Quote the traceId when you report it.";

export function problemType(kind: ErrorKind, typeBase = "/problems/"): string {
  return `${typeBase}${kind.replaceAll("_", "-")}`;
}

/** Turns any thrown value into a problem document that is safe to send to a client. */
export function toProblem(err: unknown, opts: ProblemOptions = {}): Problem {
  const app = findAppError(err);
  const kind: ErrorKind = app?.kind ?? "internal";
  const meta = KINDS[kind];
  const problem: Problem = {
    type: problemType(kind, opts.typeBase),
    title: meta.title,
    status: meta.status,
    // An internal error's message may hold driver text or hostnames: never forward it.
    detail: app && kind !== "internal" ? app.publicMessage : INTERNAL_DETAIL,
  };
  if (opts.instance) problem.instance = opts.instance;
  if (opts.traceId) problem.traceId = opts.traceId;
  if (app?.code && kind !== "internal") problem.code = app.code;
  if (app?.fields.length && kind !== "internal") problem.errors = app.fields;
  return problem;
}

/** A Response carrying the problem (and any extension members), with the problem+json content type. */
export function problemResponse<P extends Problem>(problem: P, headers: Record<string, string> = {}): Response {
  const h = new Headers(headers);
  h.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problem), { status: problem.status, headers: h });
}

/** Should this error be logged with its full chain (it is the service's fault, not the client's)? */
export function isServerFault(err: unknown): boolean {
  return KINDS[kindOf(err)].status >= 500;
}
