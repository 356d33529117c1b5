/**
 * The fake Discord REST API (`/api/v10/...`): the routes a bot built on discord.js uses, answering like Discord
 * (JSON errors with Discord's codes, 50035 for bodies over Discord's limits, 10062 for late interaction callbacks)
 * and recording every call.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  checkAutocomplete,
  checkCommands,
  checkMessage,
  checkModal,
  FormErrorCollector,
  isEmptyMessage,
} from "./fake-discord-limits.js";
import {
  channelPayload,
  type FakeChannel,
  type FakeInteraction,
  type FakeMessage,
  guildPayload,
  isThread,
  memberPayload,
  snowflake,
  userPayload,
} from "./fake-discord-model.js";
import {
  type FakeWorld,
  MESSAGE_FLAG_EPHEMERAL,
  MESSAGE_FLAG_LOADING,
  type UploadedFile,
} from "./fake-discord-world.js";

type Json = Record<string, unknown>;

/** One HTTP request the bot made, as the fake saw and answered it. */
export interface RecordedCall {
  method: string;
  /** Decoded path without the `/api/v10` prefix, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; undefined when there was none. */
  body: unknown;
  /** Files of a multipart body. */
  files: UploadedFile[];
  /** Whether an Authorization header was sent (the token itself is never stored). */
  auth: boolean;
  status: number;
  /** The JSON the fake answered with (undefined for 204). */
  response: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface RestOptions {
  token: string;
  /** The gateway URL handed out by GET /gateway/bot. */
  gatewayUrl: () => string;
  /** How long after an interaction is sent its callback is still accepted (Discord: 3000 ms). */
  ackDeadlineMs: number;
}

interface Reply {
  status: number;
  body?: unknown;
}

interface Context {
  param(name: string): string;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

interface Route {
  method: string;
  segments: string[];
  auth: boolean;
  handle(ctx: Context): Reply | Promise<Reply>;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });
const fail = (status: number, code: number, message: string): Reply => ({ status, body: { message, code } });
const formError = (errors: FormErrorCollector): Reply | null => {
  const result = errors.result();
  return result ? { status: 400, body: result } : null;
};
const emptyMessage = (): Reply => fail(400, 50006, "Cannot send an empty message");

function asJson(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export class FakeRest {
  /** Every request, in arrival order. */
  readonly calls: RecordedCall[] = [];
  private readonly waiters = new Set<(call: RecordedCall) => void>();
  private readonly routes: Route[] = [];

  constructor(
    private readonly world: FakeWorld,
    private readonly options: RestOptions,
  ) {
    this.defineRoutes();
  }

  /** Resolves with the first call (already recorded or future) matching `predicate`. */
  waitForCall(
    predicate: (call: RecordedCall) => boolean,
    options: { timeoutMs?: number; since?: number } = {},
  ): Promise<RecordedCall> {
    const since = options.since ?? 0;
    const matches = (call: RecordedCall) => call.at >= since && predicate(call);
    const found = this.calls.find(matches);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const waiter = (call: RecordedCall) => {
        if (!matches(call)) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls.slice(-15).map((c) => `  ${c.method} ${c.path} → ${c.status}`);
        reject(
          new Error(
            `FakeDiscord.waitForCall: no matching call within ${timeoutMs} ms. Recent calls (${this.calls.length} in all):\n${recent.join("\n") || "  (none)"}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** Answers one HTTP request. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/api(\/v\d+)?(?=\/|$)/, "");
    const segments = path
      .split("/")
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const authHeader = request.headers.authorization;
    const raw = await readBody(request);
    let reply: Reply;
    let body: unknown;
    let files: UploadedFile[] = [];
    try {
      ({ body, files } = await parseBody(raw, request.headers["content-type"] ?? ""));
      reply = await this.route(method, segments, authHeader, { body, files, query: url.searchParams });
    } catch (error) {
      if (error instanceof SyntaxError) reply = fail(400, 50109, "The request body contains invalid JSON.");
      else reply = fail(500, 0, `FakeDiscord internal error: ${(error as Error).stack ?? String(error)}`);
    }
    const call: RecordedCall = {
      method,
      path: `/${segments.join("/")}`,
      query: Object.fromEntries(url.searchParams),
      body,
      files,
      auth: authHeader !== undefined,
      status: reply.status,
      response: reply.body,
      at,
    };
    this.calls.push(call);
    // A 204 carries no body and no JSON content-type (@discordjs/rest would try to parse the empty body).
    if (reply.body === undefined) response.writeHead(reply.status).end();
    else response.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    for (const waiter of [...this.waiters]) waiter(call);
  }

  private async route(
    method: string,
    segments: string[],
    authHeader: string | undefined,
    input: Omit<Context, "param">,
  ): Promise<Reply> {
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      if (route.auth && authHeader !== `Bot ${this.options.token}`) return fail(401, 0, "401: Unauthorized");
      const param = (name: string) => params.get(name) ?? "";
      return route.handle({ ...input, param });
    }
    return pathMatched ? fail(405, 0, "405: Method Not Allowed") : fail(404, 0, "404: Not Found");
  }

  private on(method: string, pattern: string, auth: boolean, handle: Route["handle"]): void {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), auth, handle });
  }

  private defineRoutes(): void {
    const w = this.world;
    const gatewayInfo = () => ({ url: this.options.gatewayUrl() });
    this.on("GET", "/gateway", false, () => ok(gatewayInfo()));
    this.on("GET", "/gateway/bot", true, () =>
      ok({
        ...gatewayInfo(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      }),
    );
    this.on("GET", "/users/@me", true, () => ok({ ...userPayload(w.bot), verified: true, mfa_enabled: false }));
    this.on("GET", "/users/:user", true, (c) => {
      const user = w.users.get(c.param("user"));
      return user ? ok(userPayload(user)) : fail(404, 10013, "Unknown User");
    });
    this.on("GET", "/applications/@me", true, () => ok(this.application()));

    // Application commands, global and per guild.
    for (const scope of ["/applications/:app/commands", "/applications/:app/guilds/:guild/commands"]) {
      this.on("GET", scope, true, (c) => this.withCommands(c, (list) => ok(list ?? [])));
      this.on("PUT", scope, true, (c) => this.putCommands(c, Array.isArray(c.body) ? c.body : null));
      this.on("POST", scope, true, (c) =>
        this.withCommands(c, (list) => {
          const name = asJson(c.body).name;
          const others = (list ?? []).filter((command) => command.name !== name);
          return this.putCommands(c, [...others, c.body], name);
        }),
      );
    }

    this.on("POST", "/interactions/:id/:token/callback", false, (c) => this.interactionCallback(c));
    this.on("POST", "/webhooks/:app/:token", false, (c) => this.followUp(c));
    this.on("GET", "/webhooks/:app/:token/messages/:message", false, (c) =>
      this.withWebhookMessage(c, (m) => ok(w.messagePayload(m))),
    );
    this.on("PATCH", "/webhooks/:app/:token/messages/:message", false, (c) =>
      this.withWebhookMessage(c, (m) => this.edit(m, c)),
    );
    this.on("DELETE", "/webhooks/:app/:token/messages/:message", false, (c) =>
      this.withWebhookMessage(c, async (m) => {
        await w.deleteMessage(m);
        return noContent();
      }),
    );

    this.on("GET", "/channels/:channel", true, (c) =>
      this.withChannel(c, (channel) => ok(channelPayload(channel, w.bot.id))),
    );
    this.on("POST", "/channels/:channel/messages", true, (c) => this.channelMessage(c));
    this.on("GET", "/channels/:channel/messages/:message", true, (c) =>
      this.withChannelMessage(c, (m) => ok(w.messagePayload(m))),
    );
    this.on("PATCH", "/channels/:channel/messages/:message", true, (c) =>
      this.withChannelMessage(c, (m) =>
        m.authorId === w.bot.id ? this.edit(m, c) : fail(403, 50005, "Cannot edit a message authored by another user"),
      ),
    );
    this.on("DELETE", "/channels/:channel/messages/:message", true, (c) =>
      this.withChannelMessage(c, async (m) => {
        if (m.authorId !== w.bot.id) return fail(403, 50013, "Missing Permissions");
        await w.deleteMessage(m);
        return noContent();
      }),
    );
    this.on("POST", "/channels/:channel/messages/:message/threads", true, (c) =>
      this.withChannelMessage(c, (m) => this.startThread(c, m)),
    );
    this.on("POST", "/channels/:channel/threads", true, (c) => this.startThread(c, null));
    this.on("POST", "/channels/:channel/typing", true, (c) =>
      this.withChannel(c, (channel) => (channel.botCanSend ? noContent() : fail(403, 50013, "Missing Permissions"))),
    );

    this.on("GET", "/guilds/:guild", true, (c) => {
      const guild = w.guilds.get(c.param("guild"));
      return guild ? ok(guildPayload(guild)) : fail(404, 10004, "Unknown Guild");
    });
    this.on("GET", "/guilds/:guild/channels", true, (c) => {
      const guild = w.guilds.get(c.param("guild"));
      if (!guild) return fail(404, 10004, "Unknown Guild");
      return ok(guild.channels.filter((ch) => !isThread(ch)).map((ch) => channelPayload(ch, w.bot.id)));
    });
    this.on("GET", "/guilds/:guild/members/:user", true, (c) => {
      const guild = w.guilds.get(c.param("guild"));
      const user = w.users.get(c.param("user"));
      if (!guild) return fail(404, 10004, "Unknown Guild");
      return user ? ok(memberPayload(guild, user)) : fail(404, 10007, "Unknown Member");
    });
  }

  private application(): Json {
    return {
      id: this.world.applicationId,
      name: this.world.bot.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: 0,
      team: null,
      owner: userPayload(this.world.user()),
      bot: userPayload(this.world.bot),
      approximate_guild_count: this.world.guilds.size,
      integration_types_config: { "0": {} },
    };
  }

  // ---- Commands --------------------------------------------------------------------------------------------

  private withCommands(c: Context, next: (list: Json[] | null) => Reply): Reply {
    if (c.param("app") !== this.world.applicationId) return fail(403, 50001, "Missing Access");
    const guildId = c.param("guild");
    if (guildId && !this.world.guilds.has(guildId)) return fail(403, 50001, "Missing Access");
    return next(guildId ? (this.world.commands.guild.get(guildId) ?? null) : this.world.commands.global);
  }

  /** Replaces the scope's commands (keeping ids of same-named ones); `single` answers with just that command. */
  private putCommands(c: Context, body: unknown[] | null, single?: unknown): Reply {
    return this.withCommands(c, (previous) => {
      if (!body) return fail(400, 50035, "Invalid Form Body");
      const errors = new FormErrorCollector();
      checkCommands(errors, body);
      const invalid = formError(errors);
      if (invalid) return invalid;
      const guildId = c.param("guild");
      const stored: Json[] = body.map((raw) => {
        const command = asJson(raw);
        const type = typeof command.type === "number" ? command.type : 1;
        const same = previous?.find((p) => p.name === command.name && p.type === type);
        return {
          default_member_permissions: null,
          nsfw: false,
          contexts: null,
          integration_types: [0],
          description: "",
          options: [],
          ...command,
          id: typeof same?.id === "string" ? same.id : snowflake(),
          application_id: this.world.applicationId,
          ...(guildId ? { guild_id: guildId } : {}),
          type,
          version: snowflake(),
        };
      });
      if (guildId) this.world.commands.guild.set(guildId, stored);
      else this.world.commands.global = stored;
      if (single !== undefined)
        return ok(
          stored.find((s) => s.name === single),
          201,
        );
      return ok(stored);
    });
  }

  // ---- Interactions ----------------------------------------------------------------------------------------

  private async interactionCallback(c: Context): Promise<Reply> {
    const w = this.world;
    const interaction = w.interactions.get(c.param("id"));
    if (!interaction || interaction.token !== c.param("token")) return fail(404, 10062, "Unknown interaction");
    if (interaction.acknowledgedAt !== null) return fail(400, 40060, "Interaction has already been acknowledged.");
    if (Date.now() - interaction.sentAt > this.options.ackDeadlineMs) return fail(404, 10062, "Unknown interaction");
    const body = asJson(c.body);
    const type = Number(body.type);
    const data = asJson(body.data);
    const allowed = ALLOWED_CALLBACKS[interaction.type];
    const errors = new FormErrorCollector();
    if (!allowed.includes(type)) {
      errors.add(["type"], "BASE_TYPE_CHOICES", `Value must be one of (${allowed.join(", ")}).`);
    }
    if (type === 4 || type === 7) checkMessage(errors, data, ["data"]);
    if (type === 8) checkAutocomplete(errors, data);
    if (type === 9) checkModal(errors, data);
    const invalid = formError(errors);
    if (invalid) return invalid;
    if (type === 4 && isEmptyMessage(data, c.files.length)) return emptyMessage();

    const channel = w.channel(interaction.channelId);
    const source = interaction.sourceMessageId ? w.messages.get(interaction.sourceMessageId) : undefined;
    let message: FakeMessage | undefined;
    if (type === 4 || type === 5) {
      const flags = type === 5 ? MESSAGE_FLAG_LOADING | (Number(data.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) : undefined;
      message = await w.postMessage({
        channel,
        authorId: w.bot.id,
        body: flags === undefined ? data : { flags },
        files: c.files,
        interactionId: interaction.id,
        type: interaction.type === 2 ? 20 : 0,
      });
    } else if ((type === 6 || type === 7) && source) {
      message = source;
      if (type === 7) await w.editMessage(source, data, c.files);
    }
    interaction.acknowledgedAt = Date.now();
    interaction.callbackType = type;
    if (message) interaction.originalMessageId = message.id;

    if (c.query.get("with_response") !== "true") return noContent();
    return ok({
      interaction: {
        id: interaction.id,
        type: interaction.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: (message.flags & MESSAGE_FLAG_LOADING) !== 0,
              response_message_ephemeral: (message.flags & MESSAGE_FLAG_EPHEMERAL) !== 0,
            }
          : {}),
      },
      resource: {
        type,
        ...(message && (type === 4 || type === 5 || type === 7) ? { message: w.messagePayload(message) } : {}),
      },
    });
  }

  private interactionForWebhook(c: Context): FakeInteraction | null {
    if (c.param("app") !== this.world.applicationId) return null;
    const token = c.param("token");
    return [...this.world.interactions.values()].find((i) => i.token === token) ?? null;
  }

  private async followUp(c: Context): Promise<Reply> {
    const w = this.world;
    const interaction = this.interactionForWebhook(c);
    if (!interaction || interaction.acknowledgedAt === null) return fail(404, 10015, "Unknown Webhook");
    const body = asJson(c.body);
    const errors = new FormErrorCollector();
    checkMessage(errors, body);
    const invalid = formError(errors);
    if (invalid) return invalid;
    if (isEmptyMessage(body, c.files.length)) return emptyMessage();
    const message = await w.postMessage({
      channel: w.channel(interaction.channelId),
      authorId: w.bot.id,
      body,
      files: c.files,
      interactionId: interaction.id,
    });
    return c.query.get("wait") === "true" ? ok(w.messagePayload(message)) : noContent();
  }

  private withWebhookMessage(
    c: Context,
    next: (message: FakeMessage) => Reply | Promise<Reply>,
  ): Reply | Promise<Reply> {
    const interaction = this.interactionForWebhook(c);
    if (!interaction) return fail(404, 10015, "Unknown Webhook");
    const id = c.param("message") === "@original" ? interaction.originalMessageId : c.param("message");
    const message = id ? this.world.messages.get(id) : undefined;
    const belongs =
      message &&
      !message.deleted &&
      (message.interactionId === interaction.id || message.id === interaction.originalMessageId);
    return belongs ? next(message) : fail(404, 10008, "Unknown Message");
  }

  // ---- Channels and messages -------------------------------------------------------------------------------

  private withChannel(c: Context, next: (channel: FakeChannel) => Reply | Promise<Reply>): Reply | Promise<Reply> {
    const channel = this.world.channels.get(c.param("channel"));
    return channel ? next(channel) : fail(404, 10003, "Unknown Channel");
  }

  private withChannelMessage(
    c: Context,
    next: (message: FakeMessage, channel: FakeChannel) => Reply | Promise<Reply>,
  ): Reply | Promise<Reply> {
    return this.withChannel(c, (channel) => {
      const message = this.world.messages.get(c.param("message"));
      const visible =
        message &&
        message.channelId === channel.id &&
        !message.deleted &&
        (message.flags & MESSAGE_FLAG_EPHEMERAL) === 0;
      return visible ? next(message, channel) : fail(404, 10008, "Unknown Message");
    });
  }

  private channelMessage(c: Context): Reply | Promise<Reply> {
    return this.withChannel(c, async (channel) => {
      if (!channel.botCanSend) return fail(403, 50013, "Missing Permissions");
      const body = asJson(c.body);
      const errors = new FormErrorCollector();
      checkMessage(errors, body);
      const reference = asJson(body.message_reference);
      if (typeof reference.message_id === "string") {
        const target = this.world.messages.get(reference.message_id);
        const targetChannel = typeof reference.channel_id === "string" ? reference.channel_id : channel.id;
        if (!target || target.deleted || target.channelId !== targetChannel) {
          if (reference.fail_if_not_exists === false) delete body.message_reference;
          else errors.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
        }
      }
      const invalid = formError(errors);
      if (invalid) return invalid;
      if (isEmptyMessage(body, c.files.length)) return emptyMessage();
      const message = await this.world.postMessage({ channel, authorId: this.world.bot.id, body, files: c.files });
      return ok(this.world.messagePayload(message));
    });
  }

  private async edit(message: FakeMessage, c: Context): Promise<Reply> {
    const body = asJson(c.body);
    const errors = new FormErrorCollector();
    checkMessage(errors, body);
    const invalid = formError(errors);
    if (invalid) return invalid;
    const after = { ...message, ...body };
    const empty = isEmptyMessage(
      { content: after.content, embeds: after.embeds, components: after.components, attachments: after.attachments },
      c.files.length,
    );
    if (empty) return emptyMessage();
    await this.world.editMessage(message, body, c.files, true);
    return ok(this.world.messagePayload(message));
  }

  private startThread(c: Context, message: FakeMessage | null): Reply | Promise<Reply> {
    return this.withChannel(c, (parent) => {
      if (parent.type !== 0 && parent.type !== 5) {
        return fail(400, 50024, "Cannot execute action on this channel type");
      }
      const body = asJson(c.body);
      const errors = new FormErrorCollector();
      errors.lengthBetween(["name"], body.name, 1, 100);
      const type = message ? 11 : Number(body.type ?? 12);
      if (type !== 11 && type !== 12) errors.add(["type"], "BASE_TYPE_CHOICES", "Value must be one of (11, 12).");
      const invalid = formError(errors);
      if (invalid) return invalid;
      if (message && this.world.channels.has(message.id)) {
        return fail(400, 160004, "A thread has already been created for this message");
      }
      const thread = this.world.createThread(parent, String(body.name), type as 11 | 12, message);
      return ok(channelPayload(thread, this.world.bot.id), 201);
    });
  }
}

/** Which callback types Discord accepts for each interaction type. */
const ALLOWED_CALLBACKS: Record<FakeInteraction["type"], number[]> = {
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function matchSegments(pattern: string[], actual: string[]): Map<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params = new Map<string, string>();
  for (const [i, part] of pattern.entries()) {
    const value = actual[i] ?? "";
    if (part.startsWith(":")) {
      params.set(part.slice(1), value);
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** JSON, or multipart/form-data with a `payload_json` part and file parts (as discord.js sends attachments). */
async function parseBody(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") {
        if (name === "payload_json") body = JSON.parse(value);
      } else {
        files.push({ name: value.name, size: value.size, contentType: value.type });
      }
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString("utf8")), files: [] };
}
