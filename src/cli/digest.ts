import { parseArgs } from "node:util";
import { createApp } from "../app.js";
import { digestToJson, digestToMarkdown } from "../digest/digest.js";
import { UserError } from "../errors.js";
import { dateOption, parseSince, withCommonOptions } from "./options.js";
import { runCli } from "./run.js";

const USAGE = `Usage: npm run digest -- [--since <24h | 2d | 2025-07-20>] [--all] [--json | --markdown]

The stories whose articles arrived in the window (default: the last 24 hours), most covered first,
each with a headline, one to three cited sentences and its outlets.
  --since <when>      a duration back from now (90m, 36h, 2d, 1w) or a date / date-time
  --all               every story in the index
  --json              the digest as JSON: { generatedAt, since, stories: [...] }
  --markdown          the digest as Markdown (the default output)
  --date <YYYY-MM-DD> take "now" as the end of this day (UTC)
  --index <folder>    index folder (default: data/index, or INDEX_DIR)
Tip: \`npm run -s digest -- --json\` keeps npm's own banner out of stdout.`;

runCli(async (baseConfig) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      since: { type: "string" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      markdown: { type: "boolean", default: false },
      date: { type: "string" },
      index: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UserError(`Unexpected argument "${positionals[0]}". See npm run digest -- --help.`);
  if (values.json && values.markdown) throw new UserError("Choose one of --json and --markdown.");
  if (values.all && values.since) throw new UserError("Choose one of --all and --since.");
  const date = dateOption("date", values.date);
  const app = createApp(withCommonOptions(baseConfig, values));
  const now = date ? new Date(`${date}T23:59:59.999Z`) : app.now();
  const since = values.all ? null : values.since ? parseSince(values.since, now) : new Date(now.getTime() - 86_400_000);
  const digest = await app.digest({ since, now });
  process.stdout.write(values.json ? `${JSON.stringify(digestToJson(digest))}\n` : `${digestToMarkdown(digest)}\n`);
  return 0;
});
