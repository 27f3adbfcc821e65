// Enrollment counts, maintained from the enrollment service's events.

export const ENROLLMENT_EVENT_TYPES = ["enrollment.created", "enrollment.cancelled"] as const;
export type EnrollmentEventType = (typeof ENROLLMENT_EVENT_TYPES)[number];

export interface EnrollmentEvent {
  /** CloudEvents id; unique together with source. */
  id: string;
  source: string;
  type: EnrollmentEventType;
  courseId: string;
  studentId: string;
}

/** applied: the count changed; duplicate: seen before, nothing done; clamped: a cancel at zero. */
export type ApplyOutcome = "applied" | "duplicate" | "clamped";

/** A port: applies each event at most once (adapters: mongo). */
export interface EnrollmentLedger {
  /** Throws AppError not_found for an unknown course. */
  apply(key: string, courseId: string, delta: 1 | -1): Promise<ApplyOutcome>;
  /** Forgets processed events older than `before`; returns how many. */
  expire(before: Date): Promise<number>;
}

/**
 * The de-duplication key of an event: CloudEvents ids are unique per source, so the key is the
 * pair, hashed from an unambiguous encoding (source "/a#b" with id "1" and source "/a" with id
 * "b#1" are two keys) to a bounded length.
 */
export function enrollmentKey(e: Pick<EnrollmentEvent, "source" | "id">): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify([e.source, e.id])).digest("hex");
}

/** Adds or removes one enrollment; a redelivered event changes nothing; never below zero. */
export function applyEnrollmentEvent(ledger: EnrollmentLedger, e: EnrollmentEvent): Promise<ApplyOutcome> {
  return ledger.apply(enrollmentKey(e), e.courseId, e.type === "enrollment.created" ? 1 : -1);
}
