// Preloaded by `bun test` (bunfig.toml): unit tests log nothing unless TEST_LOG_LEVEL asks,
// so the run's output is the test report. Tests that assert on logs use captureLogs().
import { createLogger, setRootLogger, type LogLevel } from "../lib/xlog/index.ts";

setRootLogger(createLogger({ level: (process.env.TEST_LOG_LEVEL as LogLevel) ?? "silent", format: "pretty" }));
