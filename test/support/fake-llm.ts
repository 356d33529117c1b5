import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for an OpenAI-compatible server (/v1/chat/completions, streaming and not;
 * /v1/embeddings, float or base64) and for Ollama (/api/chat, NDJSON streaming and not;
 * /api/embed), on 127.0.0.1. The real LangChain clients talk to it. What the "model" says is a
 * script the test supplies: a function of the request's messages.
 */

export interface ChatRequest {
  api: "openai" | "ollama";
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
}

/** What the script does with one chat request. */
export type ChatBehaviour =
  | string
  | { status: number; body?: string }
  | { hang: true }
  | { pieces: string[]; delayMs: number };

export type ChatScript = (request: ChatRequest) => ChatBehaviour;

export class FakeLlm {
  readonly requests: ChatRequest[] = [];
  readonly embeddingRequests: { api: "openai" | "ollama"; model: string; inputs: string[] }[] = [];
  script: ChatScript = () => "NOT COVERED";
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeLlm> {
    let fake: FakeLlm | null = null;
    const server = createServer((request, response) => {
      fake?.handle(request, response).catch((error) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
    fake = new FakeLlm(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  /** OPENAI_BASE_URL for this server. */
  get openaiBaseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }
  /** OLLAMA_BASE_URL for this server. */
  get ollamaBaseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
    const url = request.url ?? "";
    if (request.method === "POST" && url === "/v1/chat/completions") return this.chat("openai", body, response);
    if (request.method === "POST" && url === "/api/chat") return this.chat("ollama", body, response);
    if (request.method === "POST" && url === "/v1/embeddings") return this.openaiEmbeddings(body, response);
    if (request.method === "POST" && url === "/api/embed") return this.ollamaEmbeddings(body, response);
    json(response, 404, { error: { message: `no route ${request.method} ${url}` } });
  }

  private async chat(api: "openai" | "ollama", body: Record<string, unknown>, response: ServerResponse) {
    const chat: ChatRequest = {
      api,
      model: String(body.model),
      // Ollama streams unless told not to; OpenAI only when asked.
      stream: api === "ollama" ? body.stream !== false : body.stream === true,
      messages: ((body.messages as { role: string; content: unknown }[]) ?? []).map((m) => ({
        role: m.role,
        content: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
      })),
    };
    this.requests.push(chat);
    const behaviour = this.script(chat);
    if (typeof behaviour === "object" && "hang" in behaviour) {
      this.hanging.add(response);
      response.on("close", () => this.hanging.delete(response));
      return;
    }
    if (typeof behaviour === "object" && "status" in behaviour) {
      response.writeHead(behaviour.status, { "content-type": "application/json" });
      response.end(behaviour.body ?? JSON.stringify({ error: { message: "scripted failure" } }));
      return;
    }
    const pieces = typeof behaviour === "string" ? splitWords(behaviour) : behaviour.pieces;
    const delayMs = typeof behaviour === "string" ? 0 : behaviour.delayMs;
    const text = pieces.join("");
    if (!chat.stream) {
      if (api === "openai") {
        return json(response, 200, {
          id: "chatcmpl-fake",
          object: "chat.completion",
          created: 1,
          model: chat.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }
      return json(response, 200, ollamaMessage(chat.model, text, true));
    }
    response.writeHead(200, { "content-type": api === "openai" ? "text/event-stream" : "application/x-ndjson" });
    for (const piece of pieces) {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (api === "openai") {
        const chunk = {
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1,
          model: chat.model,
          choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
        };
        response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      } else {
        response.write(`${JSON.stringify(ollamaMessage(chat.model, piece, false))}\n`);
      }
    }
    if (api === "openai") {
      const last = {
        id: "chatcmpl-fake",
        object: "chat.completion.chunk",
        created: 1,
        model: chat.model,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      };
      response.write(`data: ${JSON.stringify(last)}\n\ndata: [DONE]\n\n`);
    } else {
      response.write(`${JSON.stringify(ollamaMessage(chat.model, "", true))}\n`);
    }
    response.end();
  }

  private openaiEmbeddings(body: Record<string, unknown>, response: ServerResponse) {
    const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map(String);
    this.embeddingRequests.push({ api: "openai", model: String(body.model), inputs });
    const base64 = body.encoding_format === "base64";
    json(response, 200, {
      object: "list",
      model: body.model,
      data: inputs.map((input, index) => {
        const vector = fakeEmbedding(input);
        return {
          object: "embedding",
          index,
          embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
        };
      }),
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  }

  private ollamaEmbeddings(body: Record<string, unknown>, response: ServerResponse) {
    const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map(String);
    this.embeddingRequests.push({ api: "ollama", model: String(body.model), inputs });
    json(response, 200, { model: body.model, embeddings: inputs.map(fakeEmbedding) });
  }
}

/** The user message of a chat request (the filled prompt). */
export function userMessage(request: ChatRequest): string {
  return request.messages.find((message) => message.role === "user")?.content ?? "";
}

/** The numbered sources in a filled prompt: number → text. */
export function promptSources(request: ChatRequest): Map<number, string> {
  const block = /<sources>\n([\s\S]*)\n<\/sources>/.exec(userMessage(request))?.[1] ?? "";
  const sources = new Map<number, string>();
  for (const part of block.split(/\n\n(?=\[\d+\] )/)) {
    const match = /^\[(\d+)\] [^\n]*\n([\s\S]*)$/.exec(part);
    if (match) sources.set(Number(match[1]), match[2] ?? "");
  }
  return sources;
}

/** A deterministic 64-dimension bag-of-words vector, so similar texts get similar vectors. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
    let hash = 0;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    vector[hash % 64] = (vector[hash % 64] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function ollamaMessage(model: string, content: string, done: boolean) {
  return {
    model,
    created_at: "2026-01-01T00:00:00Z",
    message: { role: "assistant", content },
    done,
    ...(done ? { done_reason: "stop", total_duration: 1, eval_count: 1, prompt_eval_count: 1 } : {}),
  };
}

function splitWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
