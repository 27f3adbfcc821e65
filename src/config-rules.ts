// Rules that span settings, checked when the configuration loads, before any connection is
// made: each broken rule is one line of the ConfigError (exit 1). docs/CONFIG.md lists them.
import { type ConfigIssue, hideUrlCredentials } from "../lib/xconfig/index.ts";
import type { Config } from "./config.ts";

/** The rules, for docs/CONFIG.md and `courses config --markdown`. */
export const CONFIG_RULES = [
  "scraper.sources: every name is unique; every url is an absolute http(s) URL (credentials in it are a secret: redacted, sent as Basic authentication)",
  "scraper.backoffInitial ≤ scraper.backoffMax; enrollments.retryBackoffInitial ≤ enrollments.retryBackoffMax",
  "shutdown.drainDelay + http.requestTimeout + 2s ≤ shutdown.deadline (a request admitted during the drain can finish before the process exits)",
  "api.idempotencyInProgressTimeout ≥ http.requestTimeout (a running request's key is never taken over)",
  "with the api module and auth.enabled: exactly one of auth.hs256Secret (32+ characters) and auth.jwksUrl (an http(s) URL); no auth.devToken when service.environment is production",
] as const;

/** Headroom after the HTTP step for closing the clients and flushing telemetry. */
export const SHUTDOWN_HEADROOM_MS = 2000;

/** What the HTTP stop step may take: the drain, then the longest request, plus a second. */
export const httpStopTimeout = (cfg: Config) => cfg.shutdown.drainDelay + cfg.http.requestTimeout + 1000;

const isHttpUrl = (u: string) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol);

/** Every broken rule; `modules` are those the command hosts (auth rules apply with `api`). */
export function configProblems(
  cfg: Config,
  sources: Record<string, string>,
  modules: readonly string[] = [],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const from = (path: string) => sources[path] ?? "default";
  const issue = (path: string, expected: string, got: string, source = from(path)) =>
    issues.push({ path, expected, got, source });

  const names = new Set<string>();
  cfg.scraper.sources.forEach((s, i) => {
    const at = `scraper.sources[${i}]`;
    if (names.has(s.name))
      issue(`${at}.name`, "a name no other source has", JSON.stringify(s.name), from("scraper.sources"));
    names.add(s.name);
    if (!isHttpUrl(s.url))
      issue(`${at}.url`, "an absolute http(s) URL", JSON.stringify(hideUrlCredentials(s.url)), from("scraper.sources"));
  });
  if (cfg.scraper.backoffInitial > cfg.scraper.backoffMax)
    issue(
      "scraper.backoffInitial",
      `at most scraper.backoffMax (${cfg.scraper.backoffMax} ms)`,
      `${cfg.scraper.backoffInitial} ms`,
    );
  const e = cfg.enrollments;
  if (e.retryBackoffInitial > e.retryBackoffMax)
    issue(
      "enrollments.retryBackoffInitial",
      `at most enrollments.retryBackoffMax (${e.retryBackoffMax} ms)`,
      `${e.retryBackoffInitial} ms`,
    );
  const sd = cfg.shutdown;
  const needed = sd.drainDelay + cfg.http.requestTimeout + SHUTDOWN_HEADROOM_MS;
  if (needed > sd.deadline)
    issue(
      "shutdown.deadline",
      `at least shutdown.drainDelay + http.requestTimeout + 2s = ${needed} ms`,
      `${sd.deadline} ms`,
    );

  if (cfg.api.idempotencyInProgressTimeout < cfg.http.requestTimeout)
    issue(
      "api.idempotencyInProgressTimeout",
      `at least http.requestTimeout (${cfg.http.requestTimeout} ms)`,
      `${cfg.api.idempotencyInProgressTimeout} ms`,
    );
  const a = cfg.auth;
  if (modules.includes("api") && a.enabled) {
    if (!a.hs256Secret && !a.jwksUrl)
      issue(
        "auth",
        "COURSES_AUTH_HS256_SECRET or COURSES_AUTH_JWKS_URL (or COURSES_AUTH_ENABLED=false behind a gateway that checks tokens)",
        "neither",
      );
    if (a.hs256Secret && a.jwksUrl)
      issue("auth", "either COURSES_AUTH_HS256_SECRET or COURSES_AUTH_JWKS_URL, not both", "both");
    if (a.hs256Secret && a.hs256Secret.length < 32)
      issue("auth.hs256Secret", "at least 32 characters", `${a.hs256Secret.length} characters`);
    if (a.jwksUrl && !isHttpUrl(a.jwksUrl)) issue("auth.jwksUrl", "an absolute http(s) URL", JSON.stringify(a.jwksUrl));
    if (a.devToken && cfg.service.environment === "production")
      issue("auth.devToken", "false: a development token is never printed in production", "true");
  }
  return issues;
}
