// The command line: commands, flags, help and exit codes. Parsing only; main.ts runs commands.
import { EXIT as SHUTDOWN_EXIT } from "../lib/xshutdown/index.ts";
import { parseArgs } from "node:util";

/** Exit codes of every command, documented in --help and README. */
export const EXIT = {
  /**
   * The shutdown coordinator's: 0 ok; 1 start-up or runtime failure, invalid configuration, failed
   * healthcheck, a shutdown callback that failed; 3 the graceful shutdown overran its deadline or a
   * second signal forced the exit.
   */
  ...SHUTDOWN_EXIT,
  /** Unknown command or flag, missing or invalid argument. */
  usage: 2,
} as const;

/** The cooperative modules `serve` can host; each is described in `--help`. */
export const MODULES = {
  api: "HTTP API for courses (and its idempotency-key housekeeping)",
  relay: "outbox relay: publishes course events to Kafka",
  consumer: "enrollment consumer: keeps enrollment counts from Kafka (and its dedup housekeeping)",
  scraper: "scraper: imports courses from the feeds and catalogs of scraper.sources (opt-in)",
} as const;
export type ModuleName = keyof typeof MODULES;
/** What `serve` hosts unless told otherwise; the scraper is opted into (or run by `scrape`). */
export const DEFAULT_MODULES: ModuleName[] = ["api", "relay", "consumer"];

export type Command =
  /** modules: from --modules; undefined means service.modules from config. */
  | { name: "serve"; modules?: ModuleName[] }
  | { name: "scrape"; once: boolean }
  | { name: "migrate" }
  | { name: "config"; markdown: boolean }
  | { name: "openapi" }
  | { name: "healthcheck" }
  | { name: "outbox-retry-parked" }
  | { name: "token"; subject: string; scopes: string[]; ttlSeconds: number }
  | { name: "help" }
  | { name: "version" };

export interface Invocation {
  command: Command;
  /** Config files from --config (replace COURSES_CONFIG_FILES when given). */
  configFiles: string[];
}

export class UsageError extends Error {}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];
const GLOBAL: Options = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  config: { type: "string", short: "c", multiple: true },
};
const COMMAND_OPTIONS: Record<string, Options> = {
  serve: { modules: { type: "string", short: "m" } },
  config: { markdown: { type: "boolean" } },
  scrape: { once: { type: "boolean" } },
  token: { sub: { type: "string" }, scope: { type: "string", multiple: true }, ttl: { type: "string" } },
};
const COMMANDS = [
  "serve",
  "scrape",
  "token",
  "migrate",
  "config",
  "openapi",
  "healthcheck",
  "outbox",
  "help",
  "version",
];

/** Parses argv (without the executable and script). Throws UsageError on anything it does not know. */
export function parseCommandLine(argv: string[]): Invocation {
  // The command is the first positional; a lenient pass over every option finds it (`-m api serve`).
  const all = Object.assign({}, GLOBAL, ...Object.values(COMMAND_OPTIONS)) as Options;
  const { tokens } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: false, tokens: true });
  const name = tokens.find((t) => t.kind === "positional")?.value ?? "serve";
  if (!COMMANDS.includes(name)) throw new UsageError(`unknown command '${name}'`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL, ...COMMAND_OPTIONS[name] },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values, positionals } = parsed;
  const rest = positionals.slice(positionals[0] === name ? 1 : 0);
  const configFiles = (values.config as string[] | undefined) ?? [];
  if (values.help || name === "help") return { command: { name: "help" }, configFiles };
  if (values.version || name === "version") return { command: { name: "version" }, configFiles };

  const noArguments = () => {
    if (rest.length) throw new UsageError(`'${name}' takes no argument, got '${rest.join(" ")}'`);
  };
  switch (name) {
    case "serve":
      noArguments();
      return {
        command: {
          name: "serve",
          modules: values.modules === undefined ? undefined : parseModules(String(values.modules)),
        },
        configFiles,
      };
    case "config":
      noArguments();
      return { command: { name: "config", markdown: Boolean(values.markdown) }, configFiles };
    case "scrape":
      noArguments();
      return { command: { name: "scrape", once: Boolean(values.once) }, configFiles };
    case "token": {
      noArguments();
      const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl < 1) throw new UsageError("--ttl needs a whole number of seconds");
      const scopes = ((values.scope as string[] | undefined) ?? ["courses:write"])
        .flatMap((x) => x.split(/[\s,]+/))
        .filter(Boolean);
      return {
        command: { name: "token", subject: String(values.sub ?? "operator"), scopes, ttlSeconds: ttl },
        configFiles,
      };
    }
    case "outbox":
      if (rest.length !== 1 || rest[0] !== "retry-parked")
        throw new UsageError("'outbox' needs one subcommand: retry-parked");
      return { command: { name: "outbox-retry-parked" }, configFiles };
    default:
      noArguments();
      return { command: { name } as Command, configFiles };
  }
}

/** Validates a module list (from --modules or service.modules); throws UsageError naming the bad ones. */
export function parseModules(list: string | string[]): ModuleName[] {
  const names = (Array.isArray(list) ? list : list.split(",")).map((m) => m.trim()).filter(Boolean);
  const unknown = names.filter((m) => !(m in MODULES));
  if (unknown.length)
    throw new UsageError(
      `unknown module${unknown.length > 1 ? "s" : ""} '${unknown.join("', '")}' (modules: ${Object.keys(MODULES).join(", ")})`,
    );
  if (names.length === 0) throw new UsageError("--modules needs at least one module");
  // Canonical order, duplicates dropped: the modules start in the order of MODULES.
  return (Object.keys(MODULES) as ModuleName[]).filter((m) => names.includes(m));
}

export function helpText(build: { version: string; revision: string }): string {
  const modules = Object.entries(MODULES).map(([n, d]) => `${"".padEnd(24)}${n.padEnd(10)}${d}`);
  return `courses ${build.version} (${build.revision}): the courses microservice

Usage: courses [COMMAND] [FLAGS]

Commands:
  serve                 run the service (default); hosts the modules of --modules
  scrape                run the scraper alone until SIGTERM (serve --modules=scraper);
                        --once: every enabled source once, a summary line per source on stderr
  migrate               apply pending MongoDB migrations and exit
  config                list every COURSES_* variable: type, default, current value and source
  openapi               print the OpenAPI document (JSON)
  healthcheck           exit 0 when this instance's /healthz answers (for container healthchecks)
  outbox retry-parked   put every parked outbox event back in its course's outbox
  token                 print a bearer token signed with COURSES_AUTH_HS256_SECRET
                        (--sub NAME, --scope SCOPE repeatable, default courses:write; --ttl SECONDS, 3600)
  help                  print this help
  version               print version and git revision

Flags:
  -m, --modules=LIST    serve: comma-separated modules to host (default: COURSES_SERVICE_MODULES, or ${DEFAULT_MODULES.join(",")})
${modules.join("\n")}
                        Every serve process answers /healthz, /readyz and /metrics on COURSES_HTTP_PORT,
                        whatever its modules; /v1 and /docs only with the api module.
      --once            scrape: run every enabled source once and exit (0: all succeeded, 1: any failed)
      --markdown        config: print the reference table of docs/CONFIG.md
  -c, --config=FILE     YAML config file, repeatable, later files win (default: config/courses.yaml
                        when present, or the list in COURSES_CONFIG_FILES); COURSES_* variables win over files
  -h, --help            print this help
  -V, --version         print version and git revision

Exit codes:
  0   success; serve: a clean graceful shutdown after SIGTERM or SIGINT
  1   failure: start-up or runtime error, invalid configuration, unhealthy (healthcheck), a shutdown step
      failed; scrape --once: a source failed
  2   usage error: unknown command or flag, bad argument
  3   serve: graceful shutdown overran its deadline (COURSES_SHUTDOWN_DEADLINE) or a second signal forced it
`;
}
