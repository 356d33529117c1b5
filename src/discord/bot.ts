import {
  type ButtonInteraction,
  Client,
  type ClientOptions,
  Events,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
  type ThreadChannel,
} from "discord.js";
import type { App } from "../app.js";
import { DigestScheduler } from "../digest/scheduler.js";
import { UserError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { BotStore } from "../store/bot-store.js";
import { commandsByName } from "./commands/index.js";
import { listArticles } from "./commands/sources.js";
import type { CommandContext } from "./commands/types.js";
import { discordDigestPoster } from "./digest-poster.js";
import { RateLimiter } from "./rate-limit.js";
import { renderAnswer, renderNotice, renderQuotes, renderSourcesPage, truncate } from "./render.js";

export interface BotOptions {
  app: App;
  store: BotStore;
  logger: Logger;
  token: string;
  /** REST base URL (a proxy, or the local fake Discord in tests). */
  apiBase?: string | undefined;
  /** Ask for the privileged MessageContent intent (falls back without it when Discord refuses). */
  messageContent: boolean;
  allowedChannelIds: readonly string[];
  rateLimitPerMinute: number;
  /** How long shutdown waits for answers in flight. */
  drainMs?: number;
  /** Replaces the discord.js client (tests pass options; production uses the default). */
  clientOptions?: Partial<ClientOptions>;
  /** Daily digests per server; without this the scheduler does not run. */
  digest?: {
    graceHours: number;
    whenEmpty: "post" | "skip";
    /** How often schedules are checked (default 30 s). */
    intervalMs?: number;
  };
}

export interface Bot {
  readonly client: Client;
  start(): Promise<void>;
  /** Stops taking new work, waits up to drainMs for answers in flight, then disconnects. */
  stop(): Promise<void>;
}

const FAILURE_LINE = "Sorry, something went wrong while answering. Please try again in a moment.";
const SHUTTING_DOWN_LINE = "I'm restarting; please ask again in a minute.";

/**
 * The Discord adapter: turns slash commands, mentions, thread messages and button clicks into
 * calls on the app, and answers within Discord's rules. Every handler catches its own errors:
 * the user sees one short line, the log gets the context, the process carries on.
 */
export function createBot(options: BotOptions): Bot {
  const { app, store, logger } = options;
  const context: CommandContext = { app, store, logger };
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const inFlight = new Set<Promise<unknown>>();
  let accepting = true;
  let messageContent = options.messageContent;

  const makeClient = () =>
    new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
      ],
      partials: [Partials.Channel],
      allowedMentions: { parse: [] },
      ...(options.apiBase ? { rest: { api: options.apiBase } } : {}),
      ...options.clientOptions,
    });
  let client = makeClient();

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    // Handlers catch their own errors; this catch only keeps a stray rejection from ending the
    // process (Node exits on an unhandled rejection).
    work
      .catch((error) => logger.error("unhandled failure in a handler", { error }))
      .finally(() => inFlight.delete(work));
    return work;
  };

  const channelAllowed = (channelId: string | null, parentId: string | null, guildId: string | null): boolean => {
    const allowed = options.allowedChannelIds;
    if (allowed.length === 0 || !guildId) return true;
    if ((channelId && allowed.includes(channelId)) || (parentId && allowed.includes(parentId))) return true;
    // The list only restricts servers that have at least one channel on it.
    const guild = client.guilds.cache.get(guildId);
    return !guild || !allowed.some((id) => guild.channels.cache.has(id));
  };

  const onInteraction = async (interaction: Interaction) => {
    try {
      if (!accepting) {
        if (interaction.isRepliable()) {
          await interaction.reply({ ...renderNotice(SHUTTING_DOWN_LINE), flags: MessageFlags.Ephemeral });
        }
        return;
      }
      if (interaction.isAutocomplete()) {
        await commandsByName.get(interaction.commandName)?.autocomplete?.(interaction, context);
        return;
      }
      const parentId = interaction.channel?.isThread() ? interaction.channel.parentId : null;
      if (interaction.isRepliable() && !channelAllowed(interaction.channelId, parentId, interaction.guildId)) {
        await interaction.reply({
          ...renderNotice(
            "I'm not set up to answer in this channel; please ask in one of the server's newsdesk channels.",
          ),
          flags: MessageFlags.Ephemeral,
        });
        return;
      }
      if (interaction.isChatInputCommand()) {
        const command = commandsByName.get(interaction.commandName);
        if (!command) {
          await interaction.reply({
            ...renderNotice("I don't know that command any more."),
            flags: MessageFlags.Ephemeral,
          });
          return;
        }
        if (command.rateLimited) {
          const waitMs = limiter.take(interaction.user.id);
          if (waitMs > 0) {
            await interaction.reply({
              ...renderNotice(`You're asking faster than I can keep up: try again in ${Math.ceil(waitMs / 1000)} s.`),
              flags: MessageFlags.Ephemeral,
            });
            return;
          }
        }
        await command.execute(interaction, context);
        return;
      }
      if (interaction.isButton()) await onButton(interaction);
    } catch (error) {
      await reportFailure(interaction, error);
    }
  };

  const onButton = async (interaction: ButtonInteraction) => {
    const [kind, ...rest] = interaction.customId.split(":");
    if (kind === "fb") {
      const [vote, answerId = ""] = rest;
      const saved = store.recordFeedback(answerId, interaction.user.id, vote === "up");
      await interaction.reply({
        ...renderNotice(saved ? "Thanks, noted." : "That answer is too old to rate."),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (kind === "quotes") {
      const stored = store.answer(rest[0] ?? "");
      await interaction.reply({
        ...(stored ? renderQuotes(stored.citations) : renderNotice("That answer is no longer available.")),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (kind === "sources") {
      const [page = "0", ...queryParts] = rest;
      const query = queryParts.join(":");
      await interaction.update(renderSourcesPage(await listArticles(app, query), Number(page), query));
    }
  };

  const reportFailure = async (interaction: Interaction, error: unknown) => {
    const userFacing = error instanceof UserError ? error.message : FAILURE_LINE;
    if (!(error instanceof UserError)) {
      logger.error("interaction failed", {
        error,
        kind: interaction.type,
        command: interaction.isCommand() ? interaction.commandName : undefined,
        customId: interaction.isMessageComponent() ? interaction.customId : undefined,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
      });
    }
    if (!interaction.isRepliable()) return;
    try {
      if (interaction.deferred || interaction.replied) {
        await interaction.editReply({ ...renderNotice(userFacing), embeds: [], components: [] });
      } else {
        await interaction.reply({ ...renderNotice(userFacing), flags: MessageFlags.Ephemeral });
      }
    } catch (replyError) {
      logger.warn("could not tell the user about a failure", { error: replyError });
    }
  };

  const onMessage = async (message: Message) => {
    if (message.author.bot || !accepting || !client.user) return;
    const mentioned = message.mentions.users.has(client.user.id);
    const channel = message.channel;
    const inOwnThread = channel.isThread() && channel.ownerId === client.user.id;
    if (!mentioned && !inOwnThread) return;
    const parentId = channel.isThread() ? channel.parentId : null;
    if (!channelAllowed(message.channelId, parentId, message.guildId)) return;
    const question = message.content
      .replace(/<@!?\d+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    if (!question) {
      // Without the MessageContent intent, unmentioned thread messages arrive empty.
      if (mentioned) {
        await message
          .reply(renderNotice("Ask me a question after the mention, e.g. @newsdesk what happened in Kyiv?"))
          .catch((error) => logger.warn("could not reply", { error, channelId: message.channelId }));
      }
      return;
    }
    const waitMs = limiter.take(message.author.id);
    if (waitMs > 0) {
      await message
        .reply(renderNotice(`You're asking faster than I can keep up: try again in ${Math.ceil(waitMs / 1000)} s.`))
        .catch((error) => logger.warn("could not reply", { error, channelId: message.channelId }));
      return;
    }
    try {
      let thread: ThreadChannel;
      if (channel.isThread()) {
        thread = channel;
      } else {
        thread = await message.startThread({ name: truncate(question, 90) || "Question", autoArchiveDuration: 1440 });
      }
      await thread.sendTyping().catch(() => {});
      const history = store.turns(thread.id);
      const answer = await app.ask(await app.standalone(history, question));
      const shown = { ...answer, question };
      const answerId = store.saveAnswer(
        { guildId: message.guildId, channelId: thread.id, userId: message.author.id },
        shown,
      );
      for (const payload of renderAnswer(shown, { answerId })) await thread.send(payload);
      store.addTurn(thread.id, { question, answer: answer.answer });
    } catch (error) {
      const line = error instanceof UserError ? error.message : FAILURE_LINE;
      if (!(error instanceof UserError)) {
        logger.error("mention failed", {
          error,
          guildId: message.guildId,
          channelId: message.channelId,
          userId: message.author.id,
        });
      }
      await message.reply(renderNotice(line)).catch(() => {});
    }
  };

  const attach = (target: Client) => {
    target.on(Events.InteractionCreate, (interaction) => void track(onInteraction(interaction)));
    target.on(Events.MessageCreate, (message) => void track(onMessage(message)));
    target.on(Events.Error, (error) => logger.error("discord client error", { error }));
    target.on(Events.ShardDisconnect, (event) => logger.warn("gateway disconnected", { code: event.code }));
    target.on(Events.ShardResume, () => logger.info("gateway resumed"));
  };

  let scheduler: DigestScheduler | null = null;
  const startScheduler = () => {
    if (!options.digest) return;
    scheduler = new DigestScheduler({
      store,
      poster: discordDigestPoster(client, logger),
      makeDigest: (since, now) => app.digest({ since, now }),
      now: () => app.now(),
      graceHours: options.digest.graceHours,
      whenEmpty: options.digest.whenEmpty,
      logger,
      ...(options.digest.intervalMs ? { intervalMs: options.digest.intervalMs } : {}),
    });
    scheduler.start();
  };

  return {
    get client() {
      return client;
    },
    async start() {
      attach(client);
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(options.token);
      } catch (error) {
        if ((error as { code?: string }).code === "TokenInvalid" || /401|unauthori[sz]ed/i.test(String(error))) {
          await client.destroy();
          throw new UserError(
            "Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal (Bot > Reset Token) into .env.",
          );
        }
        if (!messageContent || !/disallowed intents/i.test(String((error as Error).message))) throw error;
        logger.warn(
          "The MessageContent intent is not enabled for this bot in the Discord Developer Portal; continuing without it: follow-ups in threads must mention the bot. Enable it (Bot > Privileged Gateway Intents) or set DISCORD_MESSAGE_CONTENT=false to silence this.",
        );
        await client.destroy();
        messageContent = false;
        client = makeClient();
        attach(client);
        const retryReady = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
        await client.login(options.token);
        await retryReady;
        logger.info("logged in", { user: client.user?.tag, guilds: client.guilds.cache.size });
        startScheduler();
        return;
      }
      await ready;
      logger.info("logged in", { user: client.user?.tag, guilds: client.guilds.cache.size });
      startScheduler();
    },
    async stop() {
      accepting = false;
      // A digest being posted gets the same few seconds as answers in flight.
      await Promise.race([scheduler?.stop(), new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 5000))]);
      const drain = Promise.allSettled([...inFlight]);
      await Promise.race([drain, new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 5000))]);
      await client.destroy();
    },
  };
}
