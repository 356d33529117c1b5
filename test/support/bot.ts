import type { App } from "../../src/app.js";
import { type Bot, type BotOptions, createBot } from "../../src/discord/bot.js";
import { createLogger } from "../../src/logger.js";
import type { BotStore } from "../../src/store/bot-store.js";
import type { FakeDiscord } from "./fake-discord.js";

/**
 * Starts the real bot against the fake Discord with test defaults (debug log lines collected in
 * `logLines`, the token redacted, no rate limit to speak of); `overrides` change any option.
 */
export async function startTestBot(
  parts: { app: App; store: BotStore; discord: FakeDiscord; logLines: string[] },
  overrides: Partial<BotOptions> = {},
): Promise<Bot> {
  const { app, store, discord, logLines } = parts;
  const bot = createBot({
    app,
    store,
    logger: createLogger("debug", { redact: [discord.token], write: (line) => logLines.push(line) }),
    token: discord.token,
    apiBase: discord.apiBase,
    messageContent: true,
    allowedChannelIds: [],
    rateLimitPerMinute: 1000,
    drainMs: 2000,
    ...overrides,
  });
  await bot.start();
  return bot;
}
