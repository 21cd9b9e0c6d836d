#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { UsageError } from "../run/usage-error.js";
import { SpecError } from "../spec/spec-error.js";
import { GENERATOR_VERSION } from "../version.js";

/**
 * `stgen`: the command line. This file declares the verbs and their flags; each verb's behaviour is in its
 * own file beside it, imported when the verb runs (so `stgen mock` never loads the emitters).
 */
async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  await yargs(argv)
    .scriptName("stgen")
    .version(GENERATOR_VERSION)
    .strict()
    .recommendCommands()
    .demandCommand(1, "name a command: generate, diff, update-specs, mock, lock or drift")
    .command(
      "generate",
      "generate typed clients from the specs",
      (y) =>
        y
          .option("specs", { type: "string", default: "specs", describe: "folder of *.json / *.yaml / *.yml specs" })
          .option("out", { type: "string", default: "generated", describe: "output folder (replaced as a whole)" })
          .option("check", {
            type: "boolean",
            default: false,
            describe: "write nothing; exit 1 if the output is stale",
          })
          .option("strict", {
            type: "boolean",
            default: false,
            describe: "an overlay action whose target selects nothing is an error (exit 2), not a warning",
          })
          .option("cache", {
            type: "boolean",
            default: true,
            describe: "reuse unchanged domains' files from the last run (--no-cache: generate all)",
          })
          .option("cache-dir", {
            type: "string",
            default: "node_modules/.cache/stgen",
            describe: "where the cache lives",
          })
          .option("runtime", {
            type: "string",
            default: "servicetitan-client/runtime",
            describe:
              "what generated code imports the runtime from: a package specifier, or a ./path (relative to here) imported relatively",
          }),
      async (args) => {
        const { runGenerateCommand } = await import("./generate.js");
        exitCode = await runGenerateCommand(args);
      },
    )
    .command(
      "diff [old] [new]",
      "report what changed between two releases of the specs, and what it breaks",
      (y) =>
        y
          .positional("old", { type: "string", describe: "folder or file of the old specs" })
          .positional("new", {
            type: "string",
            describe: "folder or file of the new specs (with --base: default --specs)",
          })
          .option("base", {
            type: "string",
            describe: "compare specs/ at this git ref (e.g. origin/main) with the working tree",
          })
          .option("specs", { type: "string", default: "specs", describe: "the specs folder, for --base" })
          .option("format", {
            choices: ["markdown", "json"] as const,
            default: "markdown" as const,
            describe: "markdown (a PR comment) or json",
          })
          .option("fail-on", {
            choices: ["breaking", "warning"] as const,
            describe: "exit 1 when there are changes this severe or worse",
          })
          .option("overlays", {
            type: "boolean",
            default: false,
            describe:
              "apply each side's overlays/ before comparing (default: compare the specs as ServiceTitan shipped them)",
          }),
      async (args) => {
        const { runDiffCommand } = await import("./diff.js");
        exitCode = await runDiffCommand(args);
      },
    )
    .command(
      "update-specs <folder>",
      "take a downloaded release into specs/, regenerate, and print what changed. A release that lacks a domain specs/ has is refused (exit 2, nothing written) unless --remove names that domain",
      (y) =>
        y
          .positional("folder", {
            type: "string",
            demandOption: true,
            describe: "the new release's spec files (any names)",
          })
          .option("specs", { type: "string", default: "specs", describe: "the specs folder to update" })
          .option("out", { type: "string", default: "generated", describe: "output folder to regenerate" })
          .option("runtime", { type: "string", default: "servicetitan-client/runtime", describe: "as for generate" })
          .option("strict", {
            type: "boolean",
            default: false,
            describe: "an overlay action that selects nothing in the new release is an error (exit 2)",
          })
          .option("remove", {
            type: "array",
            string: true,
            default: [] as string[],
            describe:
              "domains the release no longer has, to delete from specs/ and the output (e.g. --remove jpm telecom, or jpm,telecom); must name exactly the missing ones",
            coerce: (values: (string | number)[]) =>
              values
                .flatMap((value) => String(value).split(","))
                .map((name) => name.trim())
                .filter(Boolean),
          })
          .example("$0 update-specs ~/Downloads/st-release", "take a full release")
          .example(
            "$0 update-specs ~/Downloads/st-release --remove jpm",
            "take a release that no longer has the jpm domain, and delete it",
          ),
      async (args) => {
        const { runUpdateSpecsCommand } = await import("./update-specs.js");
        await runUpdateSpecsCommand(args);
      },
    )
    .command(
      "mock",
      "serve a fake ServiceTitan on 127.0.0.1, driven by the specs (until Ctrl-C)",
      (y) =>
        y
          .option("port", { type: "number", default: 4010, describe: "port to listen on (0: any free port)" })
          .option("specs", {
            type: "string",
            describe: "folder of specs to serve (default: the specs the client was generated from)",
          })
          .option("seed", { type: "number", default: 1, describe: "same seed, same data" })
          .option("rows", { type: "number", default: 120, describe: "records in every collection" })
          .option("export-page-size", { type: "number", default: 100, describe: "rows per export-feed answer" })
          .option("expires-in", { type: "number", default: 900, describe: "token lifetime in seconds" })
          .option("latency", { type: "string", describe: "delay per API answer in ms, or a range: 50-200" })
          .option("rate-429", {
            type: "number",
            default: 0,
            describe: "share (0-1) of calls answered 429 with Retry-After",
          })
          .option("retry-after", { type: "number", default: 1, describe: "Retry-After seconds of those 429s" })
          .option("rate-5xx", {
            type: "number",
            default: 0,
            describe: "share of calls answered 502/503/504 with an HTML page",
          })
          .option("rate-drop", { type: "number", default: 0, describe: "share of calls whose connection is dropped" })
          .option("rate-limit", {
            type: "number",
            describe: "at most N calls per second per tenant (ServiceTitan: 60)",
          })
          .option("drift", {
            type: "string",
            describe:
              "serve ServiceTitan's known deviations from the specs (enums as integers, dates as date-times, nulls, absent required fields, extra fields), each on this share of records: --drift alone 0.05, or --drift 0.2",
          }),
      async (args) => {
        const { runMockCommand } = await import("./mock.js");
        await runMockCommand(args);
      },
    )
    .command(
      "lock",
      "record the spec files' sha256, OpenAPI and info versions and operation counts in specs.lock.json",
      (y) => y.option("specs", { type: "string", default: "specs", describe: "folder of specs" }),
      async (args) => {
        const { runLockCommand } = await import("./lock.js");
        await runLockCommand(args);
      },
    )
    .command(
      "drift <events>",
      "summarize the drift events the client reported (hooks.onDrift, one JSON line each) and, with --write-overlay, write an overlay that widens the specs there",
      (y) =>
        y
          .positional("events", {
            type: "string",
            demandOption: true,
            describe: "a JSONL file: each line one DriftEvent, as hooks.onDrift received it",
          })
          .option("write-overlay", {
            type: "string",
            describe:
              "write an OpenAPI Overlay 1.0 file (*.yaml) widening each schema location the events name, computed against --specs with its other overlays applied; rewritten whole each run",
          })
          .option("specs", {
            type: "string",
            default: "specs",
            describe: "the specs folder the overlay widens (and whose overlays/ it is computed after)",
          })
          .example("$0 drift drift.jsonl", "the table of what differed, where, how often")
          .example(
            "$0 drift drift.jsonl --write-overlay specs/overlays/zz-observed-drift.yaml",
            "and an overlay that widens those places (then stgen lock, stgen generate)",
          ),
      async (args) => {
        const { runDriftCommand } = await import("./drift.js");
        exitCode = await runDriftCommand(args);
      },
    )
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    })
    .help()
    .parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`stgen: ${error.message}\nRun 'stgen --help' for usage.`);
    else if (error instanceof SpecError) console.error(`stgen: invalid spec: ${error.message}`);
    else console.error(`stgen: ${(error as Error)?.message ?? error}`);
    process.exitCode = 2;
  },
);
