import { randomUUID } from "node:crypto";
import type { Answer } from "../answer/types.js";
import type { Db } from "./database.js";

/** A server's digest schedule as set with `/digest setup`. */
export interface DigestSchedule {
  guildId: string;
  channelId: string;
  /** HH:MM in the schedule's timezone. */
  time: string;
  /** IANA timezone such as Europe/Berlin. */
  timezone: string;
  enabled: boolean;
  pausedReason: string | null;
  /** When it was (last) set up; earlier slots are never posted. */
  setAt: string | null;
}

export interface ConversationTurn {
  question: string;
  answer: string;
}

/** Typed access to the bot's tables; every method is one small synchronous statement. */
export class BotStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records an answer shown to a user; buttons refer to it by the returned id. */
  saveAnswer(context: { guildId: string | null; channelId: string | null; userId: string }, answer: Answer): string {
    const id = randomUUID().replace(/-/g, "").slice(0, 20);
    this.db
      .prepare(
        `INSERT INTO answers (id, guild_id, channel_id, user_id, question, answer, citations, chunk_ids, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        context.guildId,
        context.channelId,
        context.userId,
        answer.question,
        answer.answer,
        JSON.stringify(answer.citations),
        JSON.stringify(answer.citations.flatMap((citation) => citation.chunkIds)),
        this.now().toISOString(),
      );
    return id;
  }

  /** The stored answer (question, text and citations), or null. */
  answer(id: string): { question: string; answer: string; citations: Answer["citations"] } | null {
    const row = this.db.prepare("SELECT question, answer, citations FROM answers WHERE id = ?").get(id) as
      | { question: string; answer: string; citations: string }
      | undefined;
    return row ? { question: row.question, answer: row.answer, citations: JSON.parse(row.citations) } : null;
  }

  /** Stores a user's helpful / not helpful vote; a second vote by the same user replaces the first. */
  recordFeedback(answerId: string, userId: string, helpful: boolean): boolean {
    if (!this.answer(answerId)) return false;
    this.db
      .prepare(
        `INSERT INTO feedback (answer_id, user_id, helpful, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (answer_id, user_id) DO UPDATE SET helpful = excluded.helpful, created_at = excluded.created_at`,
      )
      .run(answerId, userId, helpful ? 1 : 0, this.now().toISOString());
    return true;
  }

  feedback(answerId: string): { userId: string; helpful: boolean }[] {
    return (
      this.db
        .prepare("SELECT user_id, helpful FROM feedback WHERE answer_id = ? ORDER BY created_at")
        .all(answerId) as {
        user_id: string;
        helpful: number;
      }[]
    ).map((row) => ({ userId: row.user_id, helpful: row.helpful === 1 }));
  }

  addTurn(threadId: string, turn: ConversationTurn): void {
    this.db
      .prepare(
        `INSERT INTO conversation_turns (thread_id, position, question, answer, created_at)
         VALUES (?, COALESCE((SELECT MAX(position) + 1 FROM conversation_turns WHERE thread_id = ?), 0), ?, ?, ?)`,
      )
      .run(threadId, threadId, turn.question, turn.answer, this.now().toISOString());
  }

  /** The thread's last turns, oldest first; empty for a thread the bot did not start. */
  turns(threadId: string, limit = 6): ConversationTurn[] {
    return (
      this.db
        .prepare("SELECT question, answer FROM conversation_turns WHERE thread_id = ? ORDER BY position DESC LIMIT ?")
        .all(threadId, limit) as ConversationTurn[]
    ).reverse();
  }

  setDigestSchedule(schedule: Omit<DigestSchedule, "pausedReason" | "enabled" | "setAt">): void {
    this.db
      .prepare(
        `INSERT INTO guild_settings (guild_id, digest_channel_id, digest_time, digest_timezone, digest_enabled, digest_paused_reason, digest_set_at, updated_at)
         VALUES (?, ?, ?, ?, 1, NULL, ?, ?)
         ON CONFLICT (guild_id) DO UPDATE SET digest_channel_id = excluded.digest_channel_id,
           digest_time = excluded.digest_time, digest_timezone = excluded.digest_timezone,
           digest_enabled = 1, digest_paused_reason = NULL, digest_set_at = excluded.digest_set_at,
           updated_at = excluded.updated_at`,
      )
      .run(
        schedule.guildId,
        schedule.channelId,
        schedule.time,
        schedule.timezone,
        this.now().toISOString(),
        this.now().toISOString(),
      );
  }

  /** Turns a server's digest off; returns false when it had none. */
  disableDigest(guildId: string): boolean {
    const result = this.db
      .prepare("UPDATE guild_settings SET digest_enabled = 0, updated_at = ? WHERE guild_id = ? AND digest_enabled = 1")
      .run(this.now().toISOString(), guildId);
    return result.changes > 0;
  }

  digestSchedule(guildId: string): DigestSchedule | null {
    const row = this.db
      .prepare(
        "SELECT guild_id, digest_channel_id, digest_time, digest_timezone, digest_enabled, digest_paused_reason, digest_set_at FROM guild_settings WHERE guild_id = ? AND digest_channel_id IS NOT NULL",
      )
      .get(guildId) as
      | {
          guild_id: string;
          digest_channel_id: string;
          digest_time: string;
          digest_timezone: string;
          digest_enabled: number;
          digest_paused_reason: string | null;
          digest_set_at: string | null;
        }
      | undefined;
    if (!row) return null;
    return {
      guildId: row.guild_id,
      channelId: row.digest_channel_id,
      time: row.digest_time,
      timezone: row.digest_timezone,
      enabled: row.digest_enabled === 1,
      pausedReason: row.digest_paused_reason,
      setAt: row.digest_set_at,
    };
  }

  /** Every server whose digest is on and not paused. */
  activeDigestSchedules(): DigestSchedule[] {
    const rows = this.db
      .prepare(
        `SELECT guild_id FROM guild_settings
         WHERE digest_enabled = 1 AND digest_paused_reason IS NULL AND digest_channel_id IS NOT NULL`,
      )
      .all() as { guild_id: string }[];
    return rows.map((row) => this.digestSchedule(row.guild_id)).filter((s): s is DigestSchedule => s !== null);
  }

  /**
   * Takes the right to post a server's digest for a day. Exactly one caller gets true, across
   * processes sharing the database: the row is inserted (or a failed run retaken, at most
   * {@link MAX_DIGEST_ATTEMPTS} times) in one statement before anything is posted.
   */
  claimDigestRun(guildId: string, day: string): boolean {
    const now = this.now().toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO digest_runs (guild_id, digest_day, status, attempts, created_at, updated_at)
         VALUES (?, ?, 'posting', 1, ?, ?)
         ON CONFLICT (guild_id, digest_day) DO UPDATE SET status = 'posting', attempts = attempts + 1,
           updated_at = excluded.updated_at
         WHERE digest_runs.status = 'failed' AND digest_runs.attempts < ${MAX_DIGEST_ATTEMPTS}`,
      )
      .run(guildId, day, now, now);
    return result.changes === 1;
  }

  /** Records how a claimed run ended: posted (or skipped as empty) with its window, or failed. */
  finishDigestRun(
    guildId: string,
    day: string,
    outcome: { status: "posted" | "empty" | "failed" | "paused"; messageId?: string; windowEnd?: string },
  ): void {
    this.db
      .prepare(
        "UPDATE digest_runs SET status = ?, message_id = ?, window_end = ?, updated_at = ? WHERE guild_id = ? AND digest_day = ?",
      )
      .run(
        outcome.status,
        outcome.messageId ?? null,
        outcome.windowEnd ?? null,
        this.now().toISOString(),
        guildId,
        day,
      );
  }

  digestRun(guildId: string, day: string): { status: string; attempts: number; messageId: string | null } | null {
    const row = this.db
      .prepare("SELECT status, attempts, message_id FROM digest_runs WHERE guild_id = ? AND digest_day = ?")
      .get(guildId, day) as { status: string; attempts: number; message_id: string | null } | undefined;
    return row ? { status: row.status, attempts: row.attempts, messageId: row.message_id } : null;
  }

  /** Where the last posted (or skipped) digest's window ended: the next one starts there. */
  lastDigestWindowEnd(guildId: string): Date | null {
    const row = this.db
      .prepare(
        "SELECT MAX(window_end) AS end FROM digest_runs WHERE guild_id = ? AND status IN ('posted', 'empty') AND window_end IS NOT NULL",
      )
      .get(guildId) as { end: string | null };
    return row.end ? new Date(row.end) : null;
  }

  /** Pauses a server's digest; true only for the call that paused it (so admins are told once). */
  pauseDigest(guildId: string, reason: string): boolean {
    const result = this.db
      .prepare(
        "UPDATE guild_settings SET digest_paused_reason = ?, updated_at = ? WHERE guild_id = ? AND digest_paused_reason IS NULL",
      )
      .run(reason, this.now().toISOString(), guildId);
    return result.changes === 1;
  }
}

/** A digest that failed to post for a passing reason is tried again at most this often in a day. */
export const MAX_DIGEST_ATTEMPTS = 3;
