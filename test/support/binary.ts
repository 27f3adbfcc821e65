// The compiled binary, as users run it: built once per test (or bench) process with the one build
// command (scripts/build.ts), so every test that starts the service runs what ships.
import { join } from "node:path";
import { build } from "../../scripts/build.ts";

const ROOT = join(import.meta.dir, "../..");
/** Outside dist/, so a test run never replaces the binary a developer built. */
export const TEST_BINARY = join(ROOT, ".stack/bin/courses");

let built: Promise<string> | undefined;

/** Path of a binary built from the working tree in this process (built on first call). */
export function courseBinary(): Promise<string> {
  built ??= build({ outfile: TEST_BINARY });
  return built;
}
