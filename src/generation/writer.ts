import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { UserError } from "../errors.js";
import { type CheckedText, checkCitations, type Source } from "./citations.js";
import { fillTemplate, loadPrompt, type PromptName } from "./prompts.js";

/** Writes cited text with a language model, checked against the sources it was shown. */
export interface ModelWriter {
  /** "openai:<model>" or "ollama:<model>". */
  readonly id: string;
  /**
   * Fills the prompt with `values` and the numbered `sources`, asks the model (streaming when
   * `onPartial` is given, with the text so far), and checks the citations of its reply.
   * Throws {@link ModelUnavailableError} when every attempt failed or timed out.
   */
  write(
    prompt: PromptName,
    values: Record<string, string>,
    sources: readonly Source[],
    options?: { onPartial?: (text: string) => void; idf?: (term: string) => number },
  ): Promise<CheckedText>;
  /** The model's plain reply to a prompt (for rewriting follow-up questions). */
  complete(prompt: PromptName, values: Record<string, string>): Promise<string>;
}

/** The model could not be reached or did not answer in time, after the retries. */
export class ModelUnavailableError extends Error {
  override readonly name = "ModelUnavailableError";
  constructor(
    readonly reason: "timeout" | "error",
    detail: string,
  ) {
    super(`the language model is unavailable (${reason === "timeout" ? "no reply in time" : detail})`);
  }
}

export interface WriterSettings {
  /** LLM: "openai:<model>" or "ollama:<model>". */
  spec: string;
  openai: { baseUrl: string | undefined; apiKey: string | undefined };
  ollama: { baseUrl: string };
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first. */
  maxRetries: number;
  /** First wait between attempts; doubled each time. */
  backoffMs?: number;
}

/**
 * The sources as the model sees them: number, title, outlet and date, then the text. Article
 * text cannot close the sources block early: its own <sources> tags are neutralised.
 */
export function formatSources(sources: readonly Source[]): string {
  const inert = (text: string) => text.replace(/<\s*\/?\s*sources\s*>/gi, "(sources)");
  return sources
    .map((source) => {
      const details = [source.source, source.published].filter(Boolean).join(", ");
      return `[${source.n}] ${inert(source.title)}${details ? ` (${details})` : ""}\n${inert(source.text.trim())}`;
    })
    .join("\n\n");
}

/**
 * A writer over LangChain's ChatOpenAI (any OpenAI-compatible server) or ChatOllama. Retries are
 * ours, not the clients' (set to 0), so both providers behave alike: each attempt is cut at
 * `timeoutMs`, then retried after a doubling backoff, `maxRetries` times.
 */
export function createModelWriter(settings: WriterSettings): ModelWriter {
  const separator = settings.spec.indexOf(":");
  const provider = settings.spec.slice(0, separator);
  const model = settings.spec.slice(separator + 1);
  if (separator === -1 || !model || (provider !== "openai" && provider !== "ollama")) {
    throw new UserError(`Unknown LLM "${settings.spec}". Use extractive, openai:<model> or ollama:<model>.`);
  }
  let client: Promise<BaseChatModel> | null = null;
  const chatModel = () => {
    client ??= (async (): Promise<BaseChatModel> => {
      if (provider === "openai") {
        const { ChatOpenAI } = await import("@langchain/openai");
        return new ChatOpenAI({
          model,
          apiKey: settings.openai.apiKey ?? "not-needed",
          temperature: 0,
          maxRetries: 0,
          ...(settings.openai.baseUrl ? { configuration: { baseURL: settings.openai.baseUrl } } : {}),
        });
      }
      const { ChatOllama } = await import("@langchain/ollama");
      return new ChatOllama({ model, baseUrl: settings.ollama.baseUrl, temperature: 0, maxRetries: 0 });
    })();
    return client;
  };

  const call = async (prompt: PromptName, values: Record<string, string>, onPartial?: (text: string) => void) => {
    const template = loadPrompt(prompt);
    const messages = [new SystemMessage(template.system), new HumanMessage(fillTemplate(template.user, values))];
    const llm = await chatModel();
    let lastError: unknown = null;
    for (let attempt = 0; attempt <= settings.maxRetries; attempt += 1) {
      if (attempt > 0) await sleep((settings.backoffMs ?? 500) * 2 ** (attempt - 1));
      const controller = new AbortController();
      const signal = controller.signal;
      let timer: NodeJS.Timeout | undefined;
      // Not every client honours the signal while waiting for a reply: the race cuts it anyway,
      // and a cut attempt's stream is switched off so it cannot write over the next attempt.
      let live = true;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          live = false;
          controller.abort();
          reject(new ModelUnavailableError("timeout", ""));
        }, settings.timeoutMs);
      });
      const attemptOnce = async () => {
        if (!onPartial) return textOf((await llm.invoke(messages, { signal })).content);
        let text = "";
        for await (const chunk of await llm.stream(messages, { signal })) {
          if (!live) break;
          text += textOf(chunk.content);
          onPartial(text);
        }
        return text;
      };
      const running = attemptOnce();
      running.catch(() => {}); // a cut attempt may still fail later: nobody is waiting for it
      try {
        return await Promise.race([running, deadline]);
      } catch (error) {
        live = false;
        lastError = signal.aborted ? new ModelUnavailableError("timeout", "") : error;
      } finally {
        clearTimeout(timer);
      }
    }
    if (lastError instanceof ModelUnavailableError) throw lastError;
    throw new ModelUnavailableError("error", oneLine(lastError));
  };

  return {
    id: settings.spec,
    async write(prompt, values, sources, options = {}) {
      const raw = await call(prompt, { ...values, sources: formatSources(sources) }, options.onPartial);
      return checkCitations(raw, sources, options.idf);
    },
    complete: (prompt, values) => call(prompt, values),
  };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === "string" ? part : ((part as { text?: string }).text ?? ""))).join("");
  }
  return "";
}

/** One line of an error for logs and notes: never a stack, never a request with its key. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "error").slice(0, 200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
