import path from "node:path";
import { z } from "zod";
import { UserError } from "./errors.js";

/**
 * Every setting newsdesk reads, in one schema. This module is the only reader of `process.env`;
 * everything else receives a frozen {@link Config}. `.env.example` documents each variable.
 */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-07-25")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "is not a real date");

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a Discord id (17-20 digits)");

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = z.object({
  CORPUS_DIR: z.string().min(1).default("seeds"),
  DATA_DIR: z.string().min(1).default("data"),
  INDEX_DIR: z.string().min(1).optional(),
  EMBEDDINGS: z
    .string()
    .regex(
      /^(offline|offline:\d+|openai:\S+|ollama:\S+|transformers:.+)$/,
      'must be "offline", "openai:<model>", "ollama:<model>" or "transformers:<hub id or local folder>"',
    )
    .default("offline"),
  LLM: z
    .string()
    .regex(/^(extractive|openai:\S+|ollama:\S+)$/, 'must be "extractive", "openai:<model>" or "ollama:<model>"')
    .default("extractive"),
  OPENAI_BASE_URL: z.string().url("must be a URL such as http://127.0.0.1:8080/v1").optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OLLAMA_BASE_URL: z.string().url("must be a URL such as http://127.0.0.1:11434").default("http://127.0.0.1:11434"),
  LLM_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(60),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  EMBEDDING_DIMENSIONS: positiveInt(384, 4096),
  CHUNK_SIZE: z.coerce.number().int().min(200).max(8000).default(900),
  CHUNK_OVERLAP: z.coerce.number().int().min(0).max(4000).default(150),
  TOP_K: positiveInt(6, 50),
  ANSWER_MAX_SENTENCES: positiveInt(3, 10),
  REFERENCE_DATE: isoDate.optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  DISCORD_TOKEN: z.string().min(20, "looks too short to be a bot token").optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_BASE: z.string().url("must be a URL such as http://127.0.0.1:3000/api").optional(),
  DISCORD_MESSAGE_CONTENT: z.enum(["true", "false"]).default("true"),
  ALLOWED_CHANNEL_IDS: z
    .string()
    .regex(/^\s*\d{17,20}(\s*,\s*\d{17,20})*\s*$/, "must be a comma-separated list of channel ids")
    .optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1000).default(6),
  STORY_SIMILARITY: z.coerce.number().min(0.01).max(1).default(0.1),
  STORY_MAX_GAP_DAYS: z.coerce.number().min(0).max(365).default(3),
  DIGEST_MAX_STORIES: positiveInt(5, 10),
  // At least a few scheduler checks (every 30 s) must fall inside the window.
  DIGEST_GRACE_HOURS: z.coerce.number().min(0.1).max(23).default(6),
  DIGEST_WHEN_EMPTY: z.enum(["post", "skip"]).default("post"),
});

export type Config = Readonly<{
  corpusDir: string;
  dataDir: string;
  indexDir: string;
  embeddings: string;
  embeddingDimensions: number;
  chunkSize: number;
  chunkOverlap: number;
  topK: number;
  answerMaxSentences: number;
  /** "Today" for time words in questions; undefined means the real current date. */
  referenceDate: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
  discord: Readonly<{
    /** Bot token; without it `npm start` runs the terminal chat. Never logged. */
    token: string | undefined;
    /** Register commands to this server at startup (instant, for development). */
    guildId: string | undefined;
    /** REST base URL for discord.js (a proxy, or a local fake in tests). */
    apiBase: string | undefined;
    /** Ask for the privileged MessageContent intent so thread follow-ups need no mention. */
    messageContent: boolean;
    /** Channels the bot answers in; empty means everywhere. */
    allowedChannelIds: readonly string[];
    /** Questions per user per minute; 0 disables the limit. */
    rateLimitPerMinute: number;
  }>;
  /** SQLite database with per-server settings, feedback and conversations. */
  databaseFile: string;
  /** Where downloaded models are cached (transformers.js hub ids). */
  modelsDir: string;
  /** Answer and summary writer: "extractive" (no model) or "openai:<model>" / "ollama:<model>". */
  llm: string;
  openai: Readonly<{ baseUrl: string | undefined; apiKey: string | undefined }>;
  ollama: Readonly<{ baseUrl: string }>;
  /** Per model call; then retried with backoff, then the extractive answer. */
  llmTimeoutSeconds: number;
  llmMaxRetries: number;
  /** Story grouping: similarity threshold and the largest date gap within one story. */
  stories: Readonly<{ threshold: number; maxGapDays: number }>;
  digest: Readonly<{
    maxStories: number;
    /** A digest missed while the bot was down is posted if it comes back within this time. */
    graceHours: number;
    /** With no new stories: post one short line, or post nothing. */
    whenEmpty: "post" | "skip";
  }>;
}>;

/**
 * Validates the environment and returns the typed, frozen configuration.
 * Throws a {@link UserError} naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Empty strings in .env files mean "not set", as users expect.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join(".") ?? "configuration";
    throw new UserError(`Invalid setting ${name}: ${issue?.message ?? "bad value"}. See .env.example.`);
  }
  const values = parsed.data;
  if (values.CHUNK_OVERLAP >= values.CHUNK_SIZE) {
    throw new UserError("Invalid setting CHUNK_OVERLAP: must be smaller than CHUNK_SIZE. See .env.example.");
  }
  const usesOpenAI = values.LLM.startsWith("openai:") || values.EMBEDDINGS.startsWith("openai:");
  if (usesOpenAI && !values.OPENAI_API_KEY && !values.OPENAI_BASE_URL) {
    throw new UserError(
      "Missing setting OPENAI_API_KEY: LLM or EMBEDDINGS uses openai:, which needs a key (or OPENAI_BASE_URL for a local OpenAI-compatible server). See .env.example.",
    );
  }
  const dataDir = path.resolve(cwd, values.DATA_DIR);
  return Object.freeze({
    corpusDir: path.resolve(cwd, values.CORPUS_DIR),
    dataDir,
    indexDir: values.INDEX_DIR ? path.resolve(cwd, values.INDEX_DIR) : path.join(dataDir, "index"),
    embeddings: values.EMBEDDINGS,
    embeddingDimensions: values.EMBEDDING_DIMENSIONS,
    chunkSize: values.CHUNK_SIZE,
    chunkOverlap: values.CHUNK_OVERLAP,
    topK: values.TOP_K,
    answerMaxSentences: values.ANSWER_MAX_SENTENCES,
    referenceDate: values.REFERENCE_DATE,
    logLevel: values.LOG_LEVEL,
    discord: Object.freeze({
      token: values.DISCORD_TOKEN,
      guildId: values.DISCORD_GUILD_ID,
      apiBase: values.DISCORD_API_BASE,
      messageContent: values.DISCORD_MESSAGE_CONTENT === "true",
      allowedChannelIds: Object.freeze(
        (values.ALLOWED_CHANNEL_IDS ?? "")
          .split(",")
          .map((id) => id.trim())
          .filter(Boolean),
      ),
      rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE,
    }),
    databaseFile: path.join(dataDir, "newsdesk.db"),
    modelsDir: path.join(dataDir, "models"),
    llm: values.LLM,
    openai: Object.freeze({ baseUrl: values.OPENAI_BASE_URL, apiKey: values.OPENAI_API_KEY }),
    ollama: Object.freeze({ baseUrl: values.OLLAMA_BASE_URL }),
    llmTimeoutSeconds: values.LLM_TIMEOUT_SECONDS,
    llmMaxRetries: values.LLM_MAX_RETRIES,
    stories: Object.freeze({ threshold: values.STORY_SIMILARITY, maxGapDays: values.STORY_MAX_GAP_DAYS }),
    digest: Object.freeze({
      maxStories: values.DIGEST_MAX_STORIES,
      graceHours: values.DIGEST_GRACE_HOURS,
      whenEmpty: values.DIGEST_WHEN_EMPTY,
    }),
  });
}

/** Loads `.env` from the working directory when present (Node's built-in loader; no dependency). */
export function loadDotEnv(file = ".env"): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
