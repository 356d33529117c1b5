import { readFileSync } from "node:fs";
import path from "node:path";

/** The prompt templates in prompts/, one file each: a system part, `---user---`, a user part. */
export type PromptName = "answer" | "follow-up" | "article-summary" | "topic-summary" | "digest-story";

export interface Prompt {
  system: string;
  user: string;
}

const PROMPTS_DIR = path.resolve(import.meta.dirname, "../../prompts");
const cache = new Map<PromptName, Prompt>();

export function loadPrompt(name: PromptName, dir = PROMPTS_DIR): Prompt {
  const cached = dir === PROMPTS_DIR ? cache.get(name) : undefined;
  if (cached) return cached;
  const text = readFileSync(path.join(dir, `${name}.md`), "utf8");
  const [system, user] = text.split(/^---user---$/m);
  if (!system?.trim() || !user?.trim())
    throw new Error(`prompts/${name}.md needs a system part, a ---user--- line and a user part`);
  const prompt = { system: system.trim(), user: user.trim() };
  if (dir === PROMPTS_DIR) cache.set(name, prompt);
  return prompt;
}

/**
 * Fills `{name}` placeholders in one pass, so braces inside the values (article text, a user's
 * question) are never read as placeholders. An unknown placeholder is an error.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prompt placeholder ${match} has no value`);
    return value;
  });
}
