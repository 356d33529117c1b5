import type { ChatInputCommandInteraction, MessageComponentInteraction } from "discord.js";
import type { Answer } from "../answer/types.js";
import type { BotStore } from "../store/bot-store.js";
import { type MessagePayload, renderAnswer, renderPartial } from "./render.js";

/**
 * Sends a rendered answer on a deferred interaction: the first part replaces the deferred
 * "thinking…" reply, further parts follow up. The answer is stored first so its buttons work.
 */
export async function sendAnswer(
  interaction: ChatInputCommandInteraction | MessageComponentInteraction,
  answer: Answer,
  store: BotStore,
): Promise<void> {
  const answerId = store.saveAnswer(
    { guildId: interaction.guildId, channelId: interaction.channelId, userId: interaction.user.id },
    answer,
  );
  const [first, ...rest] = renderAnswer(answer, { answerId });
  if (first) await interaction.editReply(first);
  for (const message of rest) await interaction.followUp(message);
}

/** Sends rendered messages on a deferred interaction: the first edits the reply, the rest follow up. */
export async function sendRendered(
  interaction: ChatInputCommandInteraction,
  messages: readonly MessagePayload[],
): Promise<void> {
  const [first, ...rest] = messages;
  if (first) await interaction.editReply(first);
  for (const message of rest) await interaction.followUp(message);
}

/**
 * Shows a streaming answer by editing the deferred reply with the text so far, at most once per
 * `intervalMs` and never two edits at once; `finish` waits for an edit in flight so the final
 * answer always lands last.
 */
export function partialEditor(interaction: ChatInputCommandInteraction, intervalMs = 1000) {
  let latest = "";
  let lastEdit = 0;
  let inFlight: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let finished = false;
  const flush = () => {
    timer = null;
    if (finished || inFlight || !latest.trim()) return;
    lastEdit = Date.now();
    inFlight = interaction
      .editReply(renderPartial(latest))
      .catch(() => {})
      .finally(() => {
        inFlight = null;
      });
  };
  return {
    push(text: string) {
      latest = text;
      if (timer || finished) return;
      timer = setTimeout(flush, Math.max(0, lastEdit + intervalMs - Date.now()));
    },
    async finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
