// How every Mongo adapter reports a failed store call.
import { MongoError, MongoServerError } from "mongodb";
import { AppError } from "../../../lib/xerrors/index.ts";

/** Store failures that mean "try again later" rather than "bug". */
export function storeError(e: unknown, action: string): unknown {
  if (e instanceof AppError) return e;
  if (e instanceof MongoError && !(e instanceof MongoServerError)) {
    return AppError.unavailable("The course store is unavailable; retry later.", { cause: e, context: { action } });
  }
  return AppError.internal(action, { cause: e, context: { action } });
}
