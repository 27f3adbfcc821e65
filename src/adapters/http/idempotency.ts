// Idempotency-Key for unsafe requests: the first response to a key is stored; a retry with the
// same key and body gets it again (Idempotent-Replayed: true); the same key with another body
// is a 409 (`idempotency_key_reused`); while the first runs, a 409 `idempotency_key_in_use` with
// Retry-After. Failed requests are not stored, so a corrected retry runs.
import { createHash } from "node:crypto";
import { AppError, describe } from "../../../lib/xerrors/index.ts";
import { canonicalJson } from "../../../lib/xjson/index.ts";
import { log } from "../../../lib/xlog/index.ts";
import type { IdempotencyStore, StoredResponse } from "../../app/idempotency.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
// Sent as written here (Bun keeps the case): generated clients may compare names case-sensitively.
const REPLAYED_HEADER = "Idempotent-Replayed";
const KEPT_HEADERS = ["content-type", "location", "etag"];

/** What a key is bound to: the method, the path and the body (key order does not count). */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest("hex");
}

/** 8 to 200 visible ASCII characters; the spec declares this very pattern. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,200}$/;

export function validateKey(key: string): void {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw AppError.invalidArgument(
      "Idempotency-Key must be 8 to 200 visible ASCII characters (a UUID is a good choice).",
      [{ field: "/headers/idempotency-key", message: "is invalid" }],
    );
  }
}

/** The resource a request creates, for keys whose request creates one (POST /v1/courses). */
export interface CreatedResource {
  /** A fresh id, reserved with the key's claim and passed to `run`. */
  newId(): string;
  /** The response for the resource with this id, when it exists: what the request answered. */
  recover(id: string): Promise<Response | undefined>;
}

const replayed = (r: StoredResponse) => {
  const headers = new Headers(r.headers);
  headers.set(REPLAYED_HEADER, "true");
  return new Response(r.body, { status: r.status, headers });
};

async function toStored(response: Response): Promise<{ stored: StoredResponse; body: string }> {
  const body = await response.text();
  const stored: StoredResponse = { status: response.status, headers: {}, body };
  for (const h of KEPT_HEADERS) {
    const v = response.headers.get(h);
    if (v !== null) stored.headers[h] = v;
  }
  return { stored, body };
}

/**
 * Runs `run` once per key and body; replays its response for retries. With `resource`, the
 * resource's id is reserved with the claim: a retry after any failure past the insert (its
 * answer lost, the response not stored, the store down) answers with the resource, and a re-run
 * after a crash creates under the same id — never a second resource, never a false 409.
 */
export async function idempotent(
  store: IdempotencyStore,
  key: string | null,
  scope: { method: string; path: string; body: unknown; subject?: string },
  run: (resourceId?: string) => Promise<Response>,
  resource?: CreatedResource,
): Promise<Response> {
  if (key === null) return run(resource?.newId());
  validateKey(key);
  // Keys are the caller's own: the same key from two subjects is two keys.
  const scoped = `${scope.subject ? `${scope.subject.length}:${scope.subject} ` : ""}${scope.method} ${scope.path} ${key}`;
  const claim = await store.claim(scoped, fingerprint(scope.method, scope.path, scope.body), resource?.newId());
  switch (claim.state) {
    case "replay":
      return replayed(claim.response);
    case "mismatch":
      throw AppError.conflict("This Idempotency-Key was already used with a different request body.", {
        code: "idempotency_key_reused",
      });
    case "in_progress": {
      // The resource exists: the first request created it, whatever became of its answer.
      const recovered = resource && claim.resourceId ? await resource.recover(claim.resourceId) : undefined;
      if (recovered) {
        const { stored } = await toStored(recovered);
        await store.completeRecovered(scoped, stored).catch((e) => logNotStored(e));
        return replayed(stored);
      }
      throw AppError.conflict("A request with this Idempotency-Key is still in progress; retry later.", {
        code: "idempotency_key_in_use",
        retryAfterSeconds: 1,
      });
    }
  }
  let response: Response | undefined;
  try {
    response = await run(claim.resourceId);
  } catch (e) {
    // The insert may have happened although its answer was lost (the store went down after it).
    if (resource && claim.resourceId) response = await resource.recover(claim.resourceId).catch(() => undefined);
    if (!response) {
      await releaseQuietly(store, scoped, claim.token);
      throw e;
    }
  }
  if (response.status >= 400) {
    await releaseQuietly(store, scoped, claim.token);
    return response;
  }
  const { stored, body } = await toStored(response);
  // The change is made: the client gets its answer even if storing it fails (a retry then
  // recovers it from the reserved resource, or the claim is taken over after its window).
  try {
    if (!(await store.complete(scoped, claim.token, stored)))
      log().warn({ status: response.status }, "idempotency claim was taken over before this request completed");
  } catch (e) {
    logNotStored(e);
  }
  return new Response(body, { status: response.status, headers: response.headers });
}

function logNotStored(e: unknown): void {
  log().warn({ error: describe(e) }, "idempotent response not stored; a retry recovers it from the resource");
}

/** A failed request's key is forgotten so that a corrected retry runs; when that fails too, the key stays "in progress" until api.idempotencyInProgressTimeout. */
async function releaseQuietly(store: IdempotencyStore, key: string, token: number): Promise<void> {
  await store
    .release(key, token)
    .catch((e) =>
      log().warn({ error: describe(e) }, "idempotency key not released; it is in progress until its window ends"),
    );
}
