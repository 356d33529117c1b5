/**
 * A fake Discord for end-to-end tests: an HTTP REST API and a gateway WebSocket on 127.0.0.1 (one random free
 * port) that the real discord.js v14 Client logs into. Tests inject what users do (slash commands, autocomplete,
 * button clicks, messages, dropped connections) and inspect what the bot did (every REST call, interaction
 * responses with their latency, posted messages, threads, registered commands).
 *
 * It answers like Discord where a bot can get it wrong: Discord's size limits (400, code 50035), the 3 s
 * interaction deadline (10062), double acknowledgement (40060), missing permissions (50013), unknown channels and
 * messages, empty messages (50006), intents (events withheld, message content blanked without MessageContent).
 *
 * @example
 * const discord = await FakeDiscord.start();
 * const guild = discord.addGuild({ name: "News" });
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiBase } });
 * client.on(Events.Error, () => {});
 * await client.login(discord.token);
 * // ... discord.sendSlashCommand({ guildId: guild.id, channelId: guild.channels[0]!.id, name: "ask" })
 * await client.destroy(); // before discord.close(), or the client keeps reconnecting
 * await discord.close();
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIApplicationCommandInteractionDataOption } from "discord.js";
import { FakeGateway, GATEWAY_PATH, PRIVILEGED_INTENTS, RESUME_PATH } from "./fake-discord-gateway.js";
import { type FakeChannel, type FakeGuild, type FakeMessage, memberPayload, snowflake } from "./fake-discord-model.js";
import { FakeRest, type RecordedCall } from "./fake-discord-rest.js";
import { type CreatedThread, FakeWorld, type InteractionTarget, type SentInteraction } from "./fake-discord-world.js";

export { DISCORD_LIMITS } from "./fake-discord-limits.js";
export { BASIC_PERMISSIONS, type FakeChannel, type FakeGuild, type FakeMessage } from "./fake-discord-model.js";
export type { RecordedCall } from "./fake-discord-rest.js";
export type { CreatedThread, InteractionTarget, SentInteraction } from "./fake-discord-world.js";

export interface FakeDiscordOptions {
  /** The bot token the fake accepts. Default "test-token". */
  token?: string;
  applicationId?: string;
  /** The bot user's id. Default: the application id, as on Discord. */
  botUserId?: string;
  /** HELLO's heartbeat_interval. Default 45000 (Discord's usual 41250–45000). */
  heartbeatIntervalMs?: number;
  /** How long an interaction accepts its first callback. Default 3000, as on Discord. */
  ackDeadlineMs?: number;
  /** Privileged intents enabled for the app in the developer portal (others close IDENTIFY with 4014). Default: all. */
  privilegedIntents?: number;
}

export interface SlashCommandInput extends InteractionTarget {
  name: string;
  /** Options as Discord sends them: `[{ name, type, value }]`, or a subcommand `[{ name, type: 1, options }]`. */
  options?: APIApplicationCommandInteractionDataOption[];
}

export interface AutocompleteInput extends SlashCommandInput {
  /**
   * The option the user is typing in; `type` defaults to 3 (string). Added (with focused: true) to the options,
   * inside the subcommand when the options hold one. Leave it out when `options` already holds an option with
   * `focused: true`.
   */
  focused?: { name: string; value: string | number; type?: 3 | 4 | 10 };
}

export interface ButtonClickInput extends InteractionTarget {
  customId: string;
  /**
   * The message carrying the button (it must be in the channel and have a component with this custom_id).
   * Default: the newest message in the channel that has one.
   */
  messageId?: string;
}

/** A command the bot registered, as the fake stored and echoed it (with Discord's defaults and ids filled in). */
export interface RegisteredCommand {
  id: string;
  application_id: string;
  name: string;
  description: string;
  type: number;
  guild_id?: string;
  options?: unknown[];
  [field: string]: unknown;
}

export interface UserMessageInput {
  guildId?: string;
  /** A text channel or a thread. */
  channelId: string;
  content: string;
  authorId?: string;
  /** Prefix the content with `<@botId>` (so the bot is in `mentions`, and gets the content without the
   * MessageContent intent). */
  mentionBot?: boolean;
  /** Make this a reply to that message. */
  replyTo?: string;
}

/** One step of the bot's answer to an interaction. */
export interface InteractionResponseCall extends RecordedCall {
  kind: "callback" | "edit" | "followup" | "delete";
  /** `at` minus the interaction's `sentAt`. */
  latencyMs: number;
}

/** Default ids, fixed so that failures read the same from run to run. */
const DEFAULT_APPLICATION_ID = "900000000000000001";

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  private readonly world: FakeWorld;
  private readonly gateway: FakeGateway;
  private readonly rest: FakeRest;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    this.token = options.token ?? "test-token";
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    this.world = new FakeWorld(this.applicationId, options.botUserId ?? this.applicationId, (event, data) =>
      this.gateway.dispatch(event, data),
    );
    this.gateway = new FakeGateway({
      token: this.token,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 45_000,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
      readyData: (sessionId) => this.world.readyData(sessionId, `${this.wsBase}${RESUME_PATH}`),
      guildCreates: () => this.world.guildCreates(),
      members: (guildId, userIds) => {
        const guild = this.world.guild(guildId);
        const users = userIds
          ? userIds.flatMap((id) => this.world.users.get(id) ?? [])
          : [...this.world.users.values()];
        return users.map((user) => memberPayload(guild, user));
      },
    });
    this.rest = new FakeRest(this.world, {
      token: this.token,
      gatewayUrl: () => this.gatewayUrl,
      ackDeadlineMs: options.ackDeadlineMs ?? 3000,
    });
  }

  /** Starts the fake on 127.0.0.1 and a free port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const server = createServer();
    const discord = new FakeDiscord(server, options);
    server.on("request", (request, response) => void discord.rest.handle(request, response));
    server.on("upgrade", (request, socket, head: Buffer) => {
      if (!discord.gateway.handleUpgrade(request, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    discord.port = (server.address() as AddressInfo).port;
    return discord;
  }

  /** The REST base to give discord.js: `new Client({ rest: { api: discord.apiBase } })` (it appends /v10). */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** The gateway URL that GET /gateway/bot hands out. */
  get gatewayUrl(): string {
    return `${this.wsBase}${GATEWAY_PATH}`;
  }

  private get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get botUserId(): string {
    return this.world.bot.id;
  }

  // ---- World set-up ----------------------------------------------------------------------------------------

  /**
   * Adds a guild the bot is in, with a #general text channel (its first channel). Before login it arrives in
   * GUILD_CREATE at READY; after, it is sent live as GUILD_CREATE.
   */
  addGuild(input: { id?: string; name?: string; ownerId?: string } = {}): FakeGuild {
    return this.world.addGuild(input);
  }

  /**
   * Adds a text channel (type 0, default) or a thread (11 public, 12 private; `parentId` defaults to the guild's
   * first text channel) and returns its id. After login it is announced with CHANNEL_CREATE / THREAD_CREATE.
   * `botCanSend: false` denies the bot Send Messages there (REST answers 403 50013); threads inherit it.
   */
  addChannel(
    guildId: string,
    input: { id?: string; name?: string; type?: 0 | 5 | 11 | 12; parentId?: string; botCanSend?: boolean } = {},
  ): string {
    return this.world.addChannel(guildId, input).id;
  }

  /** Adds (or renames) a user, e.g. to give a test author a readable name. Users are otherwise made on first use. */
  addUser(input: { id?: string; username?: string; bot?: boolean } = {}): string {
    const user = this.world.user(input.id ?? snowflake(), input.username);
    if (input.username) user.username = input.username;
    if (input.bot !== undefined) user.bot = input.bot;
    return user.id;
  }

  // ---- Injection -------------------------------------------------------------------------------------------

  /** A user runs a slash command: INTERACTION_CREATE (type 2) over the gateway. */
  async sendSlashCommand(input: SlashCommandInput): Promise<SentInteraction> {
    this.requireSession("sendSlashCommand");
    return this.world.sendInteraction(
      input,
      2,
      input.name,
      this.world.commandData(input.guildId, input.name, input.options),
    );
  }

  /** A user types in an autocomplete option: INTERACTION_CREATE (type 4). Answer with interaction.respond(). */
  async sendAutocomplete(input: AutocompleteInput): Promise<SentInteraction> {
    this.requireSession("sendAutocomplete");
    const options = [...(input.options ?? [])];
    if (input.focused) {
      const focused = { type: 3, ...input.focused, focused: true } as APIApplicationCommandInteractionDataOption;
      const sub = options[0];
      if (sub && (sub.type === 1 || sub.type === 2) && "options" in sub) {
        options[0] = {
          ...sub,
          options: [...(sub.options ?? []), focused],
        } as APIApplicationCommandInteractionDataOption;
      } else {
        options.push(focused);
      }
    } else if (!JSON.stringify(options).includes('"focused":true')) {
      throw new Error("FakeDiscord.sendAutocomplete: give `focused`, or an option with focused: true");
    }
    return this.world.sendInteraction(input, 4, input.name, this.world.commandData(input.guildId, input.name, options));
  }

  /** A user clicks a button on a message: INTERACTION_CREATE (type 3, component_type 2) carrying that message. */
  async clickButton(input: ButtonClickInput): Promise<SentInteraction> {
    this.requireSession("clickButton");
    const inChannel = this.world.channelMessages(input.channelId).filter((m) => !m.deleted);
    const carrier = inChannel.findLast((m) => customIds(m.components).includes(input.customId));
    const message = input.messageId === undefined ? carrier : inChannel.find((m) => m.id === input.messageId);
    if (!message) {
      const hint = carrier ? ` (message ${carrier.id} there has it; or leave messageId out)` : "";
      throw new Error(
        `FakeDiscord.clickButton: no message ${input.messageId ?? `with component "${input.customId}"`} in channel ${input.channelId}${hint}`,
      );
    }
    const ids = customIds(message.components);
    if (!ids.includes(input.customId)) {
      throw new Error(
        `FakeDiscord.clickButton: message ${message.id} has no component "${input.customId}" (has: ${ids.join(", ") || "none"})`,
      );
    }
    const data = { custom_id: input.customId, component_type: 2 };
    return this.world.sendInteraction(input, 3, input.customId, data, message);
  }

  /** A user posts a message (MESSAGE_CREATE); returns its id. The channel may be a thread. */
  async sendMessage(input: UserMessageInput): Promise<string> {
    this.requireSession("sendMessage");
    const channel = this.world.channel(input.channelId);
    if (input.guildId !== undefined && input.guildId !== channel.guildId) {
      throw new Error(`FakeDiscord.sendMessage: channel ${channel.id} is not in guild ${input.guildId}`);
    }
    if (input.replyTo !== undefined && !this.world.messages.has(input.replyTo)) {
      throw new Error(`FakeDiscord.sendMessage: replyTo ${input.replyTo} is not a known message`);
    }
    const content = input.mentionBot ? `<@${this.botUserId}> ${input.content}` : input.content;
    const message = await this.world.postMessage({
      channel,
      authorId: this.world.user(input.authorId).id,
      body: { content, ...(input.replyTo ? { message_reference: { message_id: input.replyTo } } : {}) },
    });
    return message.id;
  }

  /**
   * Closes the gateway socket. `resumable: true` (code 4000): the client reconnects to resume_gateway_url and
   * RESUMEs; events sent meanwhile are replayed. `resumable: false`: the session is invalidated (4009), the
   * client's RESUME gets INVALID_SESSION and it must IDENTIFY again; events sent meanwhile are lost.
   */
  dropConnection(options: { resumable: boolean; code?: number }): void {
    this.gateway.dropConnection(options);
  }

  // ---- Inspection ------------------------------------------------------------------------------------------

  /** Every REST call the bot made, in order. */
  get calls(): RecordedCall[] {
    return this.rest.calls;
  }

  /**
   * The first call (already made, or made within `timeoutMs`, default 5000) matching `predicate`; with `since`
   * (a Date.now() value, e.g. a `sentAt`) only calls made from then on. Rejects listing the recent calls.
   */
  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options: { timeoutMs?: number; since?: number } = {},
  ): Promise<RecordedCall> {
    return this.rest.waitForCall(predicate, options);
  }

  /**
   * Resolves once a client is connected on an identified or resumed session (default timeout 10 s: discord.js
   * spaces IDENTIFYs at least 5 s apart, so a re-identify soon after login takes up to 5 s).
   */
  waitUntilConnected(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.gateway.waitFor(() => this.gateway.connected, options.timeoutMs ?? 10_000, "a gateway connection");
  }

  /** The bot's answers to an interaction: its callback, edits, follow-ups and deletions, in order (failed ones too). */
  interactionResponses(interactionId: string): InteractionResponseCall[] {
    const interaction = this.world.interactions.get(interactionId);
    if (!interaction) return [];
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
    const webhook = `/webhooks/${this.applicationId}/${interaction.token}`;
    const kindOf = (call: RecordedCall): InteractionResponseCall["kind"] | null => {
      if (call.path === callback && call.method === "POST") return "callback";
      if (call.path === webhook && call.method === "POST") return "followup";
      if (!call.path.startsWith(`${webhook}/messages/`)) return null;
      return call.method === "PATCH" ? "edit" : call.method === "DELETE" ? "delete" : null;
    };
    return this.calls.flatMap((call) => {
      const kind = kindOf(call);
      return kind ? [{ ...call, kind, latencyMs: call.at - interaction.sentAt }] : [];
    });
  }

  /** Messages the bot posted in a channel (channel messages and interaction responses, not deleted), oldest first,
   * as they are now (after edits). */
  messages(channelId: string): FakeMessage[] {
    return this.world
      .channelMessages(channelId)
      .filter((m) => m.authorId === this.botUserId && !m.deleted)
      .map((m) => structuredClone(m));
  }

  /** Threads the bot created. */
  get threads(): CreatedThread[] {
    return [...this.world.threads];
  }

  /** Commands the bot registered: global (null until it registers any) and per guild. */
  get registeredCommands(): { global: RegisteredCommand[] | null; guild: Map<string, RegisteredCommand[]> } {
    return this.world.commands as { global: RegisteredCommand[] | null; guild: Map<string, RegisteredCommand[]> };
  }

  /** The channel as the fake knows it (e.g. to look at a thread the bot created). */
  channel(id: string): FakeChannel {
    return this.world.channel(id);
  }

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  /** True while a client is connected on an identified or resumed session. */
  get connected(): boolean {
    return this.gateway.connected;
  }

  /** Stops the fake. Destroy the discord.js client first: otherwise it keeps trying to reconnect. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private requireSession(what: string): void {
    if (!this.gateway.hasSession) {
      throw new Error(`FakeDiscord.${what}: no client has identified on the gateway yet (log the client in first)`);
    }
  }
}

function customIds(components: unknown[]): string[] {
  const ids: string[] = [];
  const visit = (list: unknown[]) => {
    for (const item of list) {
      if (typeof item !== "object" || item === null) continue;
      const component = item as { custom_id?: unknown; components?: unknown };
      if (typeof component.custom_id === "string") ids.push(component.custom_id);
      if (Array.isArray(component.components)) visit(component.components);
    }
  };
  visit(components);
  return ids;
}
