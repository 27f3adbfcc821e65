// Request bodies parsed without letting a client stall the process: the bytes must be UTF-8
// (fatal decoding, not U+FFFD), nesting is bounded before JSON.parse ever runs (a linear scan: a
// 200 KB `[[[…` of depth 100,000 is refused in microseconds instead of exhausting the stack), and
// text holds no NUL or lone surrogate (they are not characters a course can carry).
import { AppError, type FieldError } from "../../../lib/xerrors/index.ts";
import { readAtMost } from "../../../lib/xstream/index.ts";

export const MAX_JSON_DEPTH = 32;
const utf8 = new TextDecoder("utf-8", { fatal: true });

const JSON_TYPES = new Set(["application/json", "application/merge-patch+json"]);

/**
 * The request's JSON body, read within `limit` bytes whatever the headers say (the bytes are
 * counted as they stream; the first one past the limit is a 413 problem) and parsed under the
 * rules above. A Content-Length that is one decimal number within the limit (checked before
 * routing, server.ts) frames the body exactly (Bun reads no more than it), so it is read in one go.
 * No body is a 400 (a change that changes nothing says so with `{}`); another type is a 415.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const h = request.headers;
  if (request.body === null || h.get("content-length") === "0")
    throw AppError.invalidArgument("The request needs a JSON body.", [{ field: "/", message: "is required" }]);
  const type = (h.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!JSON_TYPES.has(type))
    throw new AppError(
      "unsupported_media_type",
      "Send the body as application/json (or application/merge-patch+json for PATCH).",
    );
  const tooLarge = () => new AppError("payload_too_large", `The request body exceeds ${limit} bytes.`);
  if (h.has("content-length") && !h.has("transfer-encoding")) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge();
    return parseJsonBody(bytes);
  }
  return parseJsonBody(await readAtMost(request.body, limit, tooLarge));
}

/** Parses a JSON request body under the rules above; throws a 400 AppError naming the problem. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw AppError.invalidArgument("The request body is not valid UTF-8.");
  }
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw AppError.invalidArgument(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw AppError.invalidArgument("The request body is not valid JSON.");
  }
  const bad = badText(value);
  if (bad.length) throw AppError.invalidArgument("The request body holds text that is not allowed; see errors.", bad);
  return value;
}

/** The deepest nesting of arrays and objects, scanning at most until `stopAbove` is passed. */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}

// An unpaired high surrogate, an unpaired low surrogate (NUL is checked apart).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const forbidden = (s: string) => s.includes("\0") || LONE_SURROGATE.test(s);

/** One member name as a JSON Pointer segment, "/" included (RFC 6901 escapes). */
export const pointerSegment = (key: string) => `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;

/** JSON Pointers of strings (values or member names) holding NUL or a lone surrogate. */
function badText(root: unknown): FieldError[] {
  const out: FieldError[] = [];
  const stack: [unknown, string][] = [[root, ""]];
  while (stack.length && out.length < 20) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (forbidden(v))
        out.push({ field: path || "/", message: "must not contain NUL or unpaired surrogate characters" });
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) stack.push([x, `${path}/${i}`]);
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}${pointerSegment(k)}`;
        if (forbidden(k)) out.push({ field: p, message: "member names must not contain NUL or unpaired surrogates" });
        stack.push([x, p]);
      }
    }
  }
  return out;
}
