// The compiled binary, as users run it, built with the one build command (scripts/build.ts), so
// every test that starts the service runs what ships. The suite's runner (test/run.ts) builds it
// once before the test files start and names it in TEST_SERVICE_BINARY; a file run on its own
// builds it on first use.
import { existsSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";

const ROOT = join(import.meta.dir, "../..");
/** Outside dist/, so a test run never replaces the binary a developer built. */
export const TEST_BINARY = join(ROOT, ".stack/bin/courses");

let built: Promise<string> | undefined;

/** Path of a binary built from the working tree (by the runner, or in this process on first call). */
export function courseBinary(): Promise<string> {
  built ??= prebuilt() ?? buildHere();
  return built;
}

function prebuilt(): Promise<string> | undefined {
  const path = process.env.TEST_SERVICE_BINARY;
  if (!path) return undefined;
  if (!existsSync(path)) return Promise.reject(new Error(`TEST_SERVICE_BINARY=${path} does not exist`));
  return Promise.resolve(path);
}

/** Built under a name of its own and renamed into place: processes building at once never write one file. */
async function buildHere(): Promise<string> {
  const own = await build({ outfile: `${TEST_BINARY}.${process.pid}` });
  await rename(own, TEST_BINARY);
  return TEST_BINARY;
}
