import { describe, expect, it } from "bun:test";
import { DEFAULT_MODULES, helpText, MODULES, parseCommandLine, UsageError } from "./cli.ts";

const parse = (...argv: string[]) => parseCommandLine(argv).command;

describe("command line", () => {
  it("serves by default; modules come from config unless --modules names them", () => {
    expect(parse()).toEqual({ name: "serve", modules: undefined });
    expect(parse("serve", "--modules=relay,consumer")).toEqual({ name: "serve", modules: ["relay", "consumer"] });
    expect(parse("-m", "consumer")).toEqual({ name: "serve", modules: ["consumer"] });
  });

  it("scrape runs the scraper alone, --once makes it a one-shot", () => {
    expect(parse("scrape")).toEqual({ name: "scrape", once: false });
    expect(parse("scrape", "--once")).toEqual({ name: "scrape", once: true });
    expect(parse("serve", "--modules=scraper,api")).toEqual({ name: "serve", modules: ["api", "scraper"] });
    expect(() => parseCommandLine(["serve", "--once"])).toThrow(UsageError);
  });

  it("orders modules canonically and drops duplicates", () => {
    expect(parse("serve", "--modules", "consumer, api,consumer")).toEqual({
      name: "serve",
      modules: ["api", "consumer"],
    });
  });

  it("knows every command, with --config repeatable", () => {
    expect(parse("migrate")).toEqual({ name: "migrate" });
    expect(parse("config", "--markdown")).toEqual({ name: "config", markdown: true });
    expect(parse("outbox", "retry-parked")).toEqual({ name: "outbox-retry-parked" });
    expect(parseCommandLine(["migrate", "-c", "a.yaml", "--config=b.yaml"]).configFiles).toEqual(["a.yaml", "b.yaml"]);
  });

  it("--help and --version win over any command", () => {
    expect(parse("migrate", "--help")).toEqual({ name: "help" });
    expect(parse("-V")).toEqual({ name: "version" });
  });

  it.each([
    [["frob"], /unknown command 'frob'/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["migrate", "--modules=api"], /Unknown option '--modules'/],
    [["serve", "--modules=api,scraperx"], /unknown module 'scraperx'/],
    [["serve", "--modules="], /at least one module/],
    [["outbox"], /retry-parked/],
    [["openapi", "extra"], /takes no argument/],
    [["serve", "--modules"], /argument missing/],
  ])("%p is a usage error", (argv, message) => {
    expect(() => parseCommandLine(argv as string[])).toThrow(UsageError);
    expect(() => parseCommandLine(argv as string[])).toThrow(message as RegExp);
  });

  it("help names every command, module and exit code", () => {
    const help = helpText({ version: "1.2.3", revision: "abc" });
    for (const word of [
      "serve",
      "migrate",
      "config",
      "openapi",
      "healthcheck",
      "outbox retry-parked",
      "scrape",
      "--once",
      ...Object.keys(MODULES),
    ])
      expect(help).toContain(word);
    expect(DEFAULT_MODULES).toEqual(["api", "relay", "consumer"]);
    for (const code of ["0", "1", "2", "3"]) expect(help).toMatch(new RegExp(`^  ${code}   `, "m"));
    expect(help).toContain("1.2.3 (abc)");
  });
});
