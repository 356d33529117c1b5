/**
 * The fake Discord gateway: a WebSocket endpoint that speaks Discord's v10 JSON protocol (no compression), enough
 * for the real discord.js client: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay,
 * INVALID_SESSION, intents (event filtering, privileged intents, message-content gating), and dispatches.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayIntentBits, GatewayOpcodes } from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";

/** The privileged intents (Guild Members, Guild Presences, Message Content). */
export const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

/** Builds an event's data for a session with these intents, or returns null when the session must not get it. */
export type DispatchData = (intents: number) => unknown;

export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: number;
  /** Privileged intents the application has enabled; asking for others closes the socket with 4014. */
  privilegedIntents: number;
  /** READY's `d` for a new session (its resume_gateway_url must point back at this gateway's RESUME_PATH). */
  readyData(sessionId: string): unknown;
  /** One GUILD_CREATE `d` per guild, sent after READY. */
  guildCreates(): unknown[];
  /** Members for a REQUEST_GUILD_MEMBERS (op 8). */
  members(guildId: string, userIds: string[] | null): unknown[];
}

interface Dispatched {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  sequence: number;
  intents: number;
  /** Every dispatch of this session, for replay on RESUME. */
  log: Dispatched[];
  socket: WebSocket | null;
  resumable: boolean;
}

export const GATEWAY_PATH = "/gateway";
export const RESUME_PATH = "/gateway-resume";

/** Close codes the fake uses (Discord's). */
export const CloseCode = {
  UnknownError: 4000,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  SessionTimedOut: 4009,
  InvalidApiVersion: 4012,
  DisallowedIntents: 4014,
} as const;

export class FakeGateway {
  /** Number of IDENTIFY payloads received (new sessions). */
  identifyCount = 0;
  /** Number of successful RESUMEs. */
  resumeCount = 0;
  /** Heartbeats (op 1) received. */
  heartbeatCount = 0;
  /** Every WebSocket connection: the path+query the client used and when. */
  readonly connections: { url: string; at: number }[] = [];

  private readonly wss = new WebSocketServer({ noServer: true });
  private session: Session | null = null;
  private readonly sockets = new Set<WebSocket>();
  private readonly statusWaiters = new Set<() => void>();

  constructor(private readonly hooks: GatewayHooks) {}

  /** True while a socket is open on an identified or resumed session. */
  get connected(): boolean {
    const socket = this.session?.socket;
    return socket !== null && socket !== undefined && socket.readyState === 1;
  }

  /** True once a client has identified (even if it is disconnected now and may resume). */
  get hasSession(): boolean {
    return this.session !== null;
  }

  /** Takes over an HTTP upgrade request for the gateway paths; returns false for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== GATEWAY_PATH && url.pathname !== RESUME_PATH) return false;
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, url));
    return true;
  }

  /**
   * Sends a dispatch (op 0) to the session. While the client is disconnected the event is kept and replayed when
   * it resumes. `data` may be a function of the session's intents returning null to withhold the event.
   */
  dispatch(event: string, data: unknown | DispatchData): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    const d = typeof data === "function" ? (data as DispatchData)(session.intents) : data;
    if (d === null) return Promise.resolve();
    return this.sendDispatch(session, event, d, true);
  }

  /**
   * Closes the current socket as Discord would. Resumable: code 4000, the client must RESUME. Not resumable: the
   * session is invalidated and the socket closed with 4009; the client's RESUME gets INVALID_SESSION(false), and it
   * must identify again.
   */
  dropConnection(options: { resumable: boolean; code?: number }): void {
    const session = this.session;
    if (!session?.socket) throw new Error("FakeDiscord.dropConnection: no client is connected to the gateway");
    if (!options.resumable) session.resumable = false;
    const code = options.code ?? (options.resumable ? CloseCode.UnknownError : CloseCode.SessionTimedOut);
    session.socket.close(code, "dropped by FakeDiscord");
    session.socket = null;
    this.notify();
  }

  /** Resolves when `predicate()` holds, checked whenever the connection state changes. */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.statusWaiters.delete(check);
      };
      this.statusWaiters.add(check);
    });
  }

  /** Terminates every socket and stops accepting connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.statusWaiters]) waiter();
  }

  private onConnection(ws: WebSocket, url: URL): void {
    this.sockets.add(ws);
    this.connections.push({ url: url.pathname + url.search, at: Date.now() });
    // `compress` (zlib-stream) is ignored: the fake always answers in plain JSON text frames.
    if (url.searchParams.get("v") !== "10") {
      ws.close(CloseCode.InvalidApiVersion, "Invalid API version");
      return;
    }
    if ((url.searchParams.get("encoding") ?? "json") !== "json") {
      ws.close(CloseCode.DecodeError, "Only encoding=json is supported by FakeDiscord");
      return;
    }
    const state = { authenticated: false };
    ws.on("message", (raw) => this.onMessage(ws, state, String(raw)));
    ws.on("close", (code) => {
      this.sockets.delete(ws);
      const session = this.session;
      if (session?.socket === ws) {
        session.socket = null;
        // A client closing with 1000/1001 ends its session on Discord; discord.js closes with 4200 to resume.
        if (code === 1000 || code === 1001) session.resumable = false;
      }
      this.notify();
    });
    ws.on("error", () => {});
    void this.send(ws, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs } });
  }

  private onMessage(ws: WebSocket, state: { authenticated: boolean }, raw: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(raw) as { op?: unknown; d?: unknown };
    } catch {
      ws.close(CloseCode.DecodeError, "Error while decoding payload.");
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeatCount += 1;
        void this.send(ws, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify:
        if (state.authenticated) return void ws.close(CloseCode.AlreadyAuthenticated, "Already authenticated.");
        state.authenticated = this.identify(ws, d);
        return;
      case GatewayOpcodes.Resume:
        if (state.authenticated) return void ws.close(CloseCode.AlreadyAuthenticated, "Already authenticated.");
        state.authenticated = this.resume(ws, d);
        return;
      default:
        if (!state.authenticated) return void ws.close(CloseCode.NotAuthenticated, "Not authenticated.");
        if (payload.op === GatewayOpcodes.RequestGuildMembers) this.requestMembers(d);
      // Presence (3), voice state (4) and other ops are accepted and ignored.
    }
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): boolean {
    if (d.token !== this.hooks.token) {
      ws.close(CloseCode.AuthenticationFailed, "Authentication failed.");
      return false;
    }
    const intents = typeof d.intents === "number" ? d.intents : 0;
    if ((intents & PRIVILEGED_INTENTS & ~this.hooks.privilegedIntents) !== 0) {
      ws.close(CloseCode.DisallowedIntents, "Disallowed intent(s).");
      return false;
    }
    this.identifyCount += 1;
    this.session?.socket?.close(CloseCode.SessionTimedOut, "Replaced by a new session");
    const session: Session = {
      id: randomBytes(16).toString("hex"),
      sequence: 0,
      intents,
      log: [],
      socket: ws,
      resumable: true,
    };
    this.session = session;
    void this.sendDispatch(session, "READY", this.hooks.readyData(session.id), true);
    for (const guild of this.hooks.guildCreates()) void this.sendDispatch(session, "GUILD_CREATE", guild, true);
    this.notify();
    return true;
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): boolean {
    if (d.token !== this.hooks.token) {
      ws.close(CloseCode.AuthenticationFailed, "Authentication failed.");
      return false;
    }
    const session = this.session;
    const seq = typeof d.seq === "number" ? d.seq : -1;
    if (!session?.resumable || session.id !== d.session_id || seq > session.sequence) {
      void this.send(ws, { op: GatewayOpcodes.InvalidSession, d: false });
      return false;
    }
    session.socket?.close(CloseCode.SessionTimedOut, "Resumed elsewhere");
    session.socket = ws;
    for (const event of session.log) if (event.s > seq) void this.send(ws, event);
    this.resumeCount += 1;
    void this.sendDispatch(session, "RESUMED", {}, false);
    this.notify();
    return true;
  }

  private requestMembers(d: Record<string, unknown>): void {
    const guildId = String(d.guild_id);
    const userIds = Array.isArray(d.user_ids)
      ? d.user_ids.map(String)
      : typeof d.user_ids === "string"
        ? [d.user_ids]
        : null;
    const members = this.hooks.members(guildId, userIds);
    const found = new Set(members.map((m) => (m as { user: { id: string } }).user.id));
    void this.dispatch("GUILD_MEMBERS_CHUNK", {
      guild_id: guildId,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: userIds ? userIds.filter((id) => !found.has(id)) : [],
      ...(typeof d.nonce === "string" ? { nonce: d.nonce } : {}),
    });
  }

  private sendDispatch(session: Session, t: string, d: unknown, keep: boolean): Promise<void> {
    session.sequence += 1;
    const payload: Dispatched = { op: 0, t, s: session.sequence, d };
    if (keep) session.log.push(payload);
    return session.socket ? this.send(session.socket, payload) : Promise.resolve();
  }

  /** Sends a JSON text frame; resolves once it is written (or at once when the socket is not open). */
  private send(ws: WebSocket, payload: unknown): Promise<void> {
    if (ws.readyState !== 1) return Promise.resolve();
    return new Promise((resolve) => ws.send(JSON.stringify(payload), () => resolve()));
  }
}
