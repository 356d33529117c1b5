import type { App } from "../app.js";
import type { Config } from "../config.js";
import { createBot } from "../discord/bot.js";
import { deployCommands } from "../discord/deploy.js";
import { createLogger } from "../logger.js";
import { BotStore } from "../store/bot-store.js";
import { openDatabase } from "../store/database.js";

/**
 * Runs the Discord bot until SIGINT/SIGTERM: registers commands for DISCORD_GUILD_ID when set,
 * logs in, serves, then on a signal stops taking work, lets answers in flight finish for a few
 * seconds, closes the database and resolves with exit code 0.
 */
export async function runDiscordBot(app: App, config: Config): Promise<number> {
  const token = config.discord.token;
  if (!token) throw new Error("runDiscordBot needs DISCORD_TOKEN");
  const logger = createLogger(config.logLevel, { redact: [token, config.openai.apiKey] });
  const db = openDatabase(config.databaseFile);
  const store = new BotStore(db);
  if (config.discord.guildId) {
    const result = await deployCommands({ token, guildId: config.discord.guildId, apiBase: config.discord.apiBase });
    logger.info("registered slash commands", result);
  }
  const bot = createBot({
    app,
    store,
    logger,
    token,
    apiBase: config.discord.apiBase,
    messageContent: config.discord.messageContent,
    allowedChannelIds: config.discord.allowedChannelIds,
    rateLimitPerMinute: config.discord.rateLimitPerMinute,
    digest: { graceHours: config.digest.graceHours, whenEmpty: config.digest.whenEmpty },
  });
  await bot.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info("shutting down", { signal });
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await bot.stop();
  db.close();
  logger.info("stopped");
  return 0;
}
