// How every Mongo adapter reports a failed store call.
import { MongoError, MongoServerError } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";

/** Store failures that mean "try again later" rather than "bug". */
export function storeError(e: unknown, action: string): unknown {
  if (e instanceof AppError) return e;
  if (
    (e instanceof MongoError && !(e instanceof MongoServerError)) ||
    (e instanceof MongoServerError && (isConnectionSetup(e) || isTransient(e)))
  ) {
    // The client gets the dependency's name, never its internals (the log keeps the chain).
    return AppError.unavailable("The course store is unavailable; retry later.", {
      cause: e,
      code: "store_unavailable",
      context: { action },
    });
  }
  return AppError.internal(action, { cause: e, context: { action } });
}

/**
 * Refusals while a connection is set up (authentication, handshake): a store the service cannot
 * use right now, like an unreachable one — not a bug in the request.
 */
function isConnectionSetup(e: MongoServerError): boolean {
  return (
    e.code === 18 || // AuthenticationFailed
    e.hasErrorLabel("HandshakeError") ||
    /saslStart|saslContinue|authenticat|mechanism/i.test(e.message)
  );
}

/**
 * Server errors of a replica set changing hands or going away (a failover, a restart, a lost
 * majority): the same request succeeds once it settles — never a bug in the request.
 */
const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

export function isTransient(e: MongoServerError): boolean {
  return (
    TRANSIENT_CODES.has(Number(e.code)) ||
    e.hasErrorLabel("RetryableWriteError") ||
    e.hasErrorLabel("TransientTransactionError") ||
    // WriteConcernFailed (64) and friends carry the label above when retrying can help.
    e.hasErrorLabel("NoWritesPerformed")
  );
}

/** A write refused by a unique index (E11000): someone else's document holds the key. */
export const isDuplicateKey = (e: unknown): boolean => (e as { code?: number } | null)?.code === 11000;
