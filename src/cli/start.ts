import { createInterface } from "node:readline";
import { createApp } from "../app.js";
import { describeError, UserError } from "../errors.js";
import { formatAnswer, formatBuildSummary } from "./render.js";
import { runCli } from "./run.js";
import { runDiscordBot } from "./run-bot.js";
import { runIngest } from "./run-ingest.js";

const HELP = `Ask anything about the articles in the corpus; answers cite their sources as [n].
Time words work: "What happened last week?", "since Monday", "in June".
Commands: /help, /quit (or Ctrl-D).`;

/**
 * `npm start`: brings the index up to date, then serves: the Discord bot when DISCORD_TOKEN is
 * set, otherwise a terminal chat (questions piped on standard input are answered one per line,
 * and the program exits at end of input).
 */
runCli(async (config) => {
  const app = createApp(config);
  const report = await runIngest(app, false);
  process.stderr.write(`${formatBuildSummary(report)}\n`);
  await app.index();
  if (config.discord.token) return runDiscordBot(app, config);

  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const lines = createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    terminal: interactive,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  if (interactive) {
    process.stdout.write(`\nnewsdesk: ${report.documents} articles indexed. ${HELP}\n\n`);
    lines.setPrompt("ask> ");
    lines.prompt();
  }
  for await (const line of lines) {
    const input = line.trim();
    if (input === "/quit" || input === "/exit") break;
    if (input === "/help") {
      process.stdout.write(`${HELP}\n`);
    } else if (input) {
      try {
        process.stdout.write(`${formatAnswer(await app.ask(input))}\n`);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        process.stdout.write(`${describeError(error)}\n`);
      }
    }
    if (interactive) {
      process.stdout.write("\n");
      lines.prompt();
    } else if (input) {
      process.stdout.write("\n");
    }
  }
  lines.close();
  return 0;
});
