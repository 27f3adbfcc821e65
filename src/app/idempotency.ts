// Idempotency-Key support: the first response to a key is stored with a fingerprint of the
// request; the same key with the same request replays it, with another request is a conflict.

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { state: "new" }
  | { state: "replay"; response: StoredResponse }
  | { state: "mismatch" }
  | { state: "in_progress" };

/** A port: adapters store keys (mongo). Keys are scoped by the caller (method + route). */
export interface IdempotencyStore {
  /** Claims `key` for a request with this fingerprint, or reports what happened to it before. */
  claim(key: string, fingerprint: string): Promise<Claim>;
  /** Stores the response of a claimed key. */
  complete(key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claimed key whose request failed, so a retry can run again. */
  release(key: string): Promise<void>;
  /** Deletes keys older than their time to live; returns how many. */
  expire(now: Date): Promise<number>;
}
