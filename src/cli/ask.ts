import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { answerToJson } from "../answer/types.js";
import { createApp } from "../app.js";
import { describeError, UserError } from "../errors.js";
import { dateOption, withCommonOptions } from "./options.js";
import { formatAnswer } from "./render.js";
import { runCli } from "./run.js";

const USAGE = `Usage: npm run ask -- [--json] "question"
       npm run ask -- --json --stdin < questions.txt

Answers from the local index with numbered citations.
  --json              one JSON object on stdout (with --stdin: one per input line)
  --stdin             read one question per line from standard input; the index loads once
  --index <folder>    index folder (default: data/index, or INDEX_DIR)
  --date <YYYY-MM-DD> "today" for time words such as "last week" (default: REFERENCE_DATE or today)
  --from <YYYY-MM-DD>, --to <YYYY-MM-DD>   only articles published in this range
  --source <outlet>   only articles from this outlet (repeatable)
Tip: \`npm run -s ask -- --json ...\` keeps npm's own banner out of stdout.`;

runCli(async (baseConfig) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      stdin: { type: "boolean", default: false },
      index: { type: "string" },
      date: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      source: { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  for (const flag of ["date", "from", "to"] as const) dateOption(flag, values[flag]);
  const filter = {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    ...(values.source?.length ? { sources: values.source } : {}),
  };
  const askOptions = Object.keys(filter).length > 0 ? { filter } : {};
  const app = createApp(withCommonOptions(baseConfig, values));
  const print = (answer: Awaited<ReturnType<typeof app.ask>>) =>
    process.stdout.write(values.json ? `${JSON.stringify(answerToJson(answer))}\n` : `${formatAnswer(answer)}\n`);

  if (values.stdin) {
    if (positionals.length > 0) throw new UserError("Give questions either as an argument or with --stdin, not both.");
    await app.index(); // fail fast (e.g. no index) before reading any input
    let failures = 0;
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (!line.trim()) continue;
      try {
        print(await app.ask(line, askOptions));
        if (!values.json) process.stdout.write("\n");
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        failures += 1;
        // A bad line gets its own error record so output lines stay aligned with input lines.
        if (values.json) process.stdout.write(`${JSON.stringify({ question: line, error: describeError(error) })}\n`);
        else process.stderr.write(`error: ${describeError(error)}\n`);
      }
    }
    return failures > 0 ? 2 : 0;
  }

  print(await app.ask(positionals.join(" "), askOptions));
  return 0;
});
