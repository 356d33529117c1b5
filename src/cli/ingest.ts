import path from "node:path";
import { parseArgs } from "node:util";
import { createApp } from "../app.js";
import { formatBuildSummary } from "./render.js";
import { runCli } from "./run.js";
import { runIngest } from "./run-ingest.js";

const USAGE = `Usage: npm run ingest -- [--corpus <folder>] [--index <folder>] [--quiet]

Reads the corpus folder (default: seeds/, or CORPUS_DIR), cleans and splits the articles, and
updates the local index (default: data/index, or INDEX_DIR). Re-running is incremental.`;

runCli(async (baseConfig) => {
  const { values } = parseArgs({
    options: {
      corpus: { type: "string" },
      index: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = Object.freeze({
    ...baseConfig,
    ...(values.corpus ? { corpusDir: path.resolve(values.corpus) } : {}),
    ...(values.index ? { indexDir: path.resolve(values.index) } : {}),
  });
  const report = await runIngest(createApp(config), values.quiet ?? false);
  process.stdout.write(`${formatBuildSummary(report)}\n`);
  return 0;
});
