import { askCommand } from "./ask.js";
import { digestCommand } from "./digest.js";
import { helpCommand } from "./help.js";
import { sourcesCommand } from "./sources.js";
import { summaryCommand } from "./summary.js";
import type { Command } from "./types.js";

/** Every slash command, listed explicitly (registration and dispatch both read this list). */
export const COMMANDS: readonly Command[] = [askCommand, summaryCommand, digestCommand, sourcesCommand, helpCommand];

export const commandsByName: ReadonlyMap<string, Command> = new Map(
  COMMANDS.map((command) => [command.data.name, command]),
);
