// Version and git revision of this build. `bun run build` bakes the revision into the binary
// (scripts/build.ts passes --define); run from source it says "source".
import pkg from "../package.json" with { type: "json" };

declare const COURSES_BUILD_REVISION: string | undefined;
declare const COURSES_BUILD_TIME: string | undefined;

export const BUILD = {
  version: pkg.version,
  revision: typeof COURSES_BUILD_REVISION === "string" ? COURSES_BUILD_REVISION : "source",
  builtAt: typeof COURSES_BUILD_TIME === "string" ? COURSES_BUILD_TIME : "",
};
