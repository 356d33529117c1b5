import { REST, Routes } from "discord.js";
import { COMMANDS } from "./commands/index.js";

export interface DeployOptions {
  token: string;
  /** Register to this server only (instant); globally when absent (may take up to an hour to show). */
  guildId?: string | undefined;
  apiBase?: string | undefined;
}

/**
 * Registers every slash command (replacing the previous set) for one server or globally.
 * Returns where they went and how many.
 */
export async function deployCommands(options: DeployOptions): Promise<{ scope: string; count: number }> {
  const rest = new REST(options.apiBase ? { api: options.apiBase } : {}).setToken(options.token);
  const application = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = COMMANDS.map((command) => command.data);
  if (options.guildId) {
    await rest.put(Routes.applicationGuildCommands(application.id, options.guildId), { body });
    return { scope: `server ${options.guildId}`, count: body.length };
  }
  await rest.put(Routes.applicationCommands(application.id), { body });
  return { scope: "all servers (global)", count: body.length };
}
