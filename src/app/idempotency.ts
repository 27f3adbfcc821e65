// Idempotency-Key support: the first response to a key is stored with a fingerprint of the
// request; the same key with the same request replays it, with another request is a conflict.
// A key that creates a resource reserves the resource's id with its claim, in the same write:
// whatever fails afterwards (the insert's answer, storing the response), a retry finds the
// resource by that id and answers with it — the key and the resource cannot disagree.

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  /** Ours to run: `token` proves it when completing; `resourceId` is the id to create under. */
  | { state: "new"; token: number; resourceId?: string }
  | { state: "replay"; response: StoredResponse }
  | { state: "mismatch" }
  /** Another request holds the key; `resourceId` is the id it reserved, if any. */
  | { state: "in_progress"; resourceId?: string };

/** A port: adapters store keys (mongo). Keys are scoped by the caller (method + route). */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with this fingerprint, reserving `resourceId` with it, or reports
   * what happened to it before. A claim unfinished past the store's window is taken over, with
   * the id it reserved.
   */
  claim(key: string, fingerprint: string, resourceId?: string): Promise<Claim>;
  /** Stores the response of a claim; false when the claim is no longer this token's. */
  complete(key: string, token: number, response: StoredResponse): Promise<boolean>;
  /** Stores a response rebuilt from the reserved resource, whoever holds the claim. */
  completeRecovered(key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed (only if still this token's), so a retry can run again. */
  release(key: string, token: number): Promise<void>;
  /** Deletes keys older than their time to live; returns how many. */
  expire(now: Date): Promise<number>;
}
