import { type Client, DiscordAPIError, type Message, type SendableChannels } from "discord.js";
import type { Digest } from "../digest/digest.js";
import { DigestChannelError, type DigestPoster } from "../digest/scheduler.js";
import type { Logger } from "../logger.js";
import type { DigestSchedule } from "../store/bot-store.js";
import { renderDigest, renderNotice, truncate } from "./render.js";

/** Discord error codes that mean the channel is gone or closed to the bot: retrying will not help. */
const CHANNEL_GONE: Record<number, string> = {
  10003: "its channel no longer exists.",
  50001: "the bot can no longer see its channel.",
  50013: "the bot lost permission to post in its channel.",
};

function channelError(error: unknown, channelId: string): unknown {
  if (error instanceof DiscordAPIError && typeof error.code === "number" && CHANNEL_GONE[error.code]) {
    return new DigestChannelError(`${CHANNEL_GONE[error.code]} (channel ${channelId})`);
  }
  return error;
}

/**
 * Posts digests with discord.js: the embeds in the configured channel, then a thread on the first
 * message where members ask follow-ups (the bot answers in its own threads). Admins are told about a pause in the server's system
 * channel, or by a direct message to the owner when that fails.
 */
export function discordDigestPoster(client: Client, logger: Logger): DigestPoster {
  return {
    async post(schedule: DigestSchedule, digest: Digest, day: string) {
      let channel: SendableChannels;
      try {
        const fetched = await client.channels.fetch(schedule.channelId);
        if (!fetched?.isSendable())
          throw new DigestChannelError(`the bot cannot post in its channel. (channel ${schedule.channelId})`);
        channel = fetched;
      } catch (error) {
        throw channelError(error, schedule.channelId);
      }
      let first: Message | null = null;
      for (const payload of renderDigest(digest, { day })) {
        try {
          const sent = await channel.send(payload);
          first ??= sent;
        } catch (error) {
          // Once part of the digest is out, the day counts as posted: retrying would repeat it.
          if (!first) throw channelError(error, schedule.channelId);
          logger.warn("digest posted in part", { guildId: schedule.guildId, error });
          break;
        }
      }
      if (!first) throw new Error("the digest rendered no message");
      if (digest.stories.length > 0) {
        try {
          // No conversation is seeded: the headlines of five stories carried into a short
          // follow-up ("what did Peskov say?") would drown it. Each question stands on its own,
          // and later ones in the thread follow up on it as usual.
          await first.startThread({ name: truncate(`Digest ${day}: questions`, 90), autoArchiveDuration: 1440 });
        } catch (error) {
          // The digest is out; a missing thread is worth a log line, not a failed run.
          logger.warn("could not open the digest thread", { guildId: schedule.guildId, error });
        }
      }
      return { messageId: first.id };
    },
    async notifyAdmins(guildId: string, message: string) {
      const guild = await client.guilds.fetch(guildId);
      const notice = renderNotice(message);
      if (guild.systemChannel) {
        try {
          await guild.systemChannel.send(notice);
          return;
        } catch (error) {
          logger.warn("could not post in the system channel", { guildId, error });
        }
      }
      const owner = await guild.fetchOwner();
      await owner.send(notice);
    },
  };
}
