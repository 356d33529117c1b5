import { parseArgs } from "node:util";
import { createApp, type SummaryRequest } from "../app.js";
import { UserError } from "../errors.js";
import { PERIODS, type PeriodName, summaryToJson } from "../summary/summarize.js";
import { dateOption, withCommonOptions } from "./options.js";
import { formatCitation } from "./render.js";
import { runCli } from "./run.js";

const USAGE = `Usage: npm run summary -- --topic "<text>" | --article <docId> | --period <today|week|all> [--json]

A cited summary: what the corpus says about a topic (across its stories, noting where outlets
give different figures), the key points of one article, or the stories of a period.
  --topic <text>      e.g. --topic "Putin Zelensky meeting"
  --article <docId>   an article id (docId in any --json citation)
  --period <p>        today | week | all ("today" is --date, REFERENCE_DATE or the real date)
  --json              one JSON object: { kind, subject, answered, summary, citations, stories }
  --date <YYYY-MM-DD> "today" for --period and time words in a topic
  --index <folder>    index folder (default: data/index, or INDEX_DIR)`;

runCli(async (baseConfig) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      topic: { type: "string" },
      article: { type: "string" },
      period: { type: "string" },
      json: { type: "boolean", default: false },
      date: { type: "string" },
      index: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UserError(`Unexpected argument "${positionals[0]}": use --topic "${positionals.join(" ")}".`);
  }
  const given = (["topic", "article", "period"] as const).filter((name) => values[name] !== undefined);
  if (given.length !== 1)
    throw new UserError('Give exactly one of --topic "<text>", --article <docId> or --period <today|week|all>.');
  if (values.period !== undefined && !PERIODS.includes(values.period as PeriodName)) {
    throw new UserError(`--period must be one of ${PERIODS.join(", ")}; got "${values.period}".`);
  }
  dateOption("date", values.date);
  const request: SummaryRequest =
    values.topic !== undefined
      ? { topic: values.topic }
      : values.article !== undefined
        ? { article: values.article }
        : { period: values.period as PeriodName };
  const summary = await createApp(withCommonOptions(baseConfig, values)).summarize(request);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summaryToJson(summary))}\n`);
  } else {
    const lines = [summary.summary];
    if (summary.note) lines.push("", `(${summary.note})`);
    if (summary.citations.length > 0) lines.push("", "Sources:", ...summary.citations.map(formatCitation));
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return 0;
});
