import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/**
 * The bot's own state in SQLite: per-server settings, digest schedules and runs, feedback, and
 * thread conversations. Migrations are numbered and applied in order inside a transaction;
 * `PRAGMA user_version` records how far a database has got.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE guild_settings (
     guild_id TEXT PRIMARY KEY,
     digest_channel_id TEXT,
     digest_time TEXT,
     digest_timezone TEXT,
     digest_enabled INTEGER NOT NULL DEFAULT 0,
     digest_paused_reason TEXT,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE answers (
     id TEXT PRIMARY KEY,
     guild_id TEXT,
     channel_id TEXT,
     user_id TEXT,
     question TEXT NOT NULL,
     answer TEXT NOT NULL,
     citations TEXT NOT NULL,
     chunk_ids TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE feedback (
     answer_id TEXT NOT NULL REFERENCES answers(id),
     user_id TEXT NOT NULL,
     helpful INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (answer_id, user_id)
   );
   CREATE TABLE conversation_turns (
     thread_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     question TEXT NOT NULL,
     answer TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (thread_id, position)
   );
   CREATE TABLE digest_runs (
     guild_id TEXT NOT NULL,
     digest_day TEXT NOT NULL,
     status TEXT NOT NULL,
     message_id TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (guild_id, digest_day)
   );`,
  // Digest runs record the window they covered (the next digest starts there) and retries.
  `ALTER TABLE digest_runs ADD COLUMN window_end TEXT;
   ALTER TABLE digest_runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE digest_runs ADD COLUMN updated_at TEXT;`,
  // When a schedule was set up: slots before it are not posted (no surprise digest at setup).
  `ALTER TABLE guild_settings ADD COLUMN digest_set_at TEXT;`,
];

export type Db = Database.Database;

/** Opens (creating if needed) the database file and brings its schema up to date. */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this newsdesk (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    // IMMEDIATE takes the write lock first; the version is re-read under it, so two processes
    // opening an old database at once apply each migration once.
    db.transaction(() => {
      if ((db.pragma("user_version", { simple: true }) as number) !== version) return;
      db.exec(MIGRATIONS[version] ?? "");
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
