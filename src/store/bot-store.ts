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

  setDigestSchedule(schedule: Omit<DigestSchedule, "pausedReason" | "enabled">): void {
    this.db
      .prepare(
        `INSERT INTO guild_settings (guild_id, digest_channel_id, digest_time, digest_timezone, digest_enabled, digest_paused_reason, updated_at)
         VALUES (?, ?, ?, ?, 1, NULL, ?)
         ON CONFLICT (guild_id) DO UPDATE SET digest_channel_id = excluded.digest_channel_id,
           digest_time = excluded.digest_time, digest_timezone = excluded.digest_timezone,
           digest_enabled = 1, digest_paused_reason = NULL, updated_at = excluded.updated_at`,
      )
      .run(schedule.guildId, schedule.channelId, schedule.time, schedule.timezone, this.now().toISOString());
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
        "SELECT guild_id, digest_channel_id, digest_time, digest_timezone, digest_enabled, digest_paused_reason FROM guild_settings WHERE guild_id = ? AND digest_channel_id IS NOT NULL",
      )
      .get(guildId) as
      | {
          guild_id: string;
          digest_channel_id: string;
          digest_time: string;
          digest_timezone: string;
          digest_enabled: number;
          digest_paused_reason: string | null;
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
    };
  }
}
