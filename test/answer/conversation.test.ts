import { describe, expect, it } from "vitest";
import { standaloneQuestion } from "../../src/answer/conversation.js";

const history = [{ question: "How many Patriot systems has Ukraine secured?", answer: "Three [1]" }];

describe("standaloneQuestion", () => {
  it("carries the previous question into a follow-up that starts with a connective", () => {
    expect(standaloneQuestion(history, "and what did Germany send?")).toBe(
      "How many Patriot systems has Ukraine secured? and what did Germany send?",
    );
  });
  it("carries it into a follow-up that uses a pronoun or is too short to search alone", () => {
    expect(standaloneQuestion(history, "Who paid for them?")).toMatch(/^How many Patriot/);
    expect(standaloneQuestion(history, "Why?")).toMatch(/^How many Patriot/);
  });
  it("leaves a new, self-contained question alone", () => {
    expect(standaloneQuestion(history, "What did Erdogan say about a leaders meeting in Istanbul?")).toBe(
      "What did Erdogan say about a leaders meeting in Istanbul?",
    );
  });
  it("leaves the first question of a conversation alone", () => {
    expect(standaloneQuestion([], "and what else?")).toBe("and what else?");
  });
});
