import { describe, expect, it } from "bun:test";
import { hideUrlCredentials, redact } from "../lib/xconfig/index.ts";
import { ConfigSchema, loadConfig } from "./config.ts";
import { configProblems } from "./config-rules.ts";

const load = (env: Record<string, string>) => loadConfig({ COURSES_CONFIG_FILES: "config/production.yaml", ...env });
const problems = (env: Record<string, string>, modules: string[] = []) => {
  const { config, sources } = load(env);
  return configProblems(config, sources, modules).map((i) => `${i.path}: ${i.expected}`);
};

describe("configuration rules", () => {
  it("the shipped configuration breaks none", () => {
    expect(problems({ COURSES_AUTH_HS256_SECRET: "x".repeat(32) }, ["api", "relay", "consumer", "scraper"])).toEqual(
      [],
    );
  });

  it("scraper sources: unique names, http(s) URLs", () => {
    const sources = [
      { name: "a", url: "https://a.example/feed" },
      { name: "a", url: "https://b.example/feed" },
      { name: "c", url: "ftp://c.example/feed" },
      { name: "d", url: "not a url" },
    ];
    expect(problems({ COURSES_SCRAPER_SOURCES: JSON.stringify(sources) })).toEqual([
      "scraper.sources[1].name: a name no other source has",
      "scraper.sources[2].url: an absolute http(s) URL",
      "scraper.sources[3].url: an absolute http(s) URL",
    ]);
  });

  it("durations that fit each other: the drain and the longest request inside the shutdown deadline", () => {
    expect(
      problems({
        COURSES_SHUTDOWN_DRAIN_DELAY: "5s",
        COURSES_HTTP_REQUEST_TIMEOUT: "30s",
        COURSES_SHUTDOWN_DEADLINE: "25s",
      }),
    ).toEqual(["shutdown.deadline: at least shutdown.drainDelay + http.requestTimeout + 2s = 37000 ms"]);
    expect(problems({ COURSES_SCRAPER_BACKOFF_INITIAL: "2h", COURSES_SCRAPER_BACKOFF_MAX: "1h" })).toEqual([
      "scraper.backoffInitial: at most scraper.backoffMax (3600000 ms)",
    ]);
  });

  it("auth rules apply where the api is hosted", () => {
    expect(problems({}, ["relay"])).toEqual([]);
    expect(problems({}, ["api"])).toEqual([
      "auth: COURSES_AUTH_HS256_SECRET or COURSES_AUTH_JWKS_URL (or COURSES_AUTH_ENABLED=false behind a gateway that checks tokens)",
    ]);
    expect(
      problems(
        {
          COURSES_AUTH_HS256_SECRET: "short",
          COURSES_AUTH_JWKS_URL: "file:///etc/keys",
          COURSES_AUTH_DEV_TOKEN: "true",
        },
        ["api"],
      ),
    ).toEqual([
      "auth: either COURSES_AUTH_HS256_SECRET or COURSES_AUTH_JWKS_URL, not both",
      "auth.hs256Secret: at least 32 characters",
      "auth.jwksUrl: an absolute http(s) URL",
      "auth.devToken: false: a development token is never printed in production",
    ]);
  });

  it("credentials in any URL setting are hidden wherever the configuration is shown", () => {
    const { config } = load({
      COURSES_SCRAPER_SOURCES: JSON.stringify([{ name: "p", url: "https://user:pa%40ss@feeds.example/x" }]),
    });
    const shown = JSON.stringify(redact(ConfigSchema, config));
    expect(shown).not.toContain("pa%40ss");
    expect(shown).not.toContain("user:");
    expect(shown).toContain("https://[REDACTED]@feeds.example/x");
    expect(hideUrlCredentials("see http://a:b@h/ and https://h2/ ok")).toBe(
      "see http://[REDACTED]@h/ and https://h2/ ok",
    );
  });
});
