// Idempotency-Key for unsafe requests: the first response to a key is stored; a retry with the
// same key and body gets it again (Idempotent-Replayed: true); the same key with another body
// is a 409. Failed requests are not stored, so a corrected retry runs.
import { createHash } from "node:crypto";
import { AppError } from "../../../lib/xerrors/index.ts";
import type { IdempotencyStore, StoredResponse } from "../../app/idempotency.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const REPLAYED_HEADER = "idempotent-replayed";
const KEPT_HEADERS = ["content-type", "location", "etag"];

/** Canonical JSON: key order does not change the fingerprint. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonical(body)}`)
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

/** Runs `run` once per key and body; replays its response for retries. */
export async function idempotent(
  store: IdempotencyStore,
  key: string | null,
  scope: { method: string; path: string; body: unknown; subject?: string },
  run: () => Promise<Response>,
): Promise<Response> {
  if (key === null) return run();
  validateKey(key);
  // Keys are the caller's own: the same key from two subjects is two keys.
  const scoped = `${scope.subject ? `${scope.subject.length}:${scope.subject} ` : ""}${scope.method} ${scope.path} ${key}`;
  const claim = await store.claim(scoped, fingerprint(scope.method, scope.path, scope.body));
  switch (claim.state) {
    case "replay": {
      const headers = new Headers(claim.response.headers);
      headers.set(REPLAYED_HEADER, "true");
      return new Response(claim.response.body, { status: claim.response.status, headers });
    }
    case "mismatch":
      throw AppError.conflict("This Idempotency-Key was already used with a different request body.");
    case "in_progress":
      throw AppError.conflict("A request with this Idempotency-Key is still in progress; retry later.");
  }
  let response: Response;
  try {
    response = await run();
  } catch (e) {
    await store.release(scoped).catch(() => {});
    throw e;
  }
  if (response.status >= 400) {
    await store.release(scoped).catch(() => {});
    return response;
  }
  const body = await response.text();
  const stored: StoredResponse = { status: response.status, headers: {}, body };
  for (const h of KEPT_HEADERS) {
    const v = response.headers.get(h);
    if (v !== null) stored.headers[h] = v;
  }
  await store.complete(scoped, stored);
  return new Response(body, { status: response.status, headers: response.headers });
}
