/**
 * Registers newsdesk's slash commands with Discord: to one server when DISCORD_GUILD_ID is set
 * (instant, for development), globally otherwise.
 *
 *   npm run deploy-commands
 */

import { runCli } from "../src/cli/run.js";
import { deployCommands } from "../src/discord/deploy.js";
import { UserError } from "../src/errors.js";

runCli(async (config) => {
  if (!config.discord.token)
    throw new UserError("DISCORD_TOKEN is not set. Put the bot token in .env (see .env.example).");
  const result = await deployCommands({
    token: config.discord.token,
    guildId: config.discord.guildId,
    apiBase: config.discord.apiBase,
  });
  process.stdout.write(`Registered ${result.count} commands for ${result.scope}.\n`);
  return 0;
});
