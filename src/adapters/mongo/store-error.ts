// How every Mongo adapter reports a failed store call.
import { MongoError, MongoServerError } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";

/** Store failures that mean "try again later" rather than "bug". */
export function storeError(e: unknown, action: string): unknown {
  if (e instanceof AppError) return e;
  if (
    (e instanceof MongoError && !(e instanceof MongoServerError)) ||
    (e instanceof MongoServerError && isConnectionSetup(e))
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
