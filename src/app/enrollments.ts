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

/** Adds or removes one enrollment; a redelivered event changes nothing; never below zero. */
export function applyEnrollmentEvent(ledger: EnrollmentLedger, e: EnrollmentEvent): Promise<ApplyOutcome> {
  return ledger.apply(`${e.source}#${e.id}`, e.courseId, e.type === "enrollment.created" ? 1 : -1);
}
