import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { App } from "../../app.js";
import type { Logger } from "../../logger.js";
import type { BotStore } from "../../store/bot-store.js";

/** What every command handler may use; passed in, never global. */
export interface CommandContext {
  app: App;
  store: BotStore;
  logger: Logger;
}

/** A slash command: its registration data and its handlers (the discord.js guide's shape). */
export interface Command {
  data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Counts against the per-user rate limit (commands that compute answers). */
  rateLimited: boolean;
  execute(interaction: ChatInputCommandInteraction, context: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, context: CommandContext): Promise<void>;
}
