import { readFile } from "node:fs/promises";
import { env } from "@/lib/env";

/**
 * Scene descriptions from an OpenAI-compatible vision model (README "Video Reframer", "scenes"),
 * used only when LLM_BASE_URL and LLM_MODEL are set (LLM_API_KEY when the server wants one).
 * Per shot: one POST `<base>/v1/chat/completions` carrying the shot's keyframe as a base64 JPEG
 * `image_url` and what was measured in the shot (the written description, the tracked objects,
 * text read on screen, speech), asking for one sentence. Within LLM_TIMEOUT_S seconds; on any
 * failure (unreachable, an error status, a timeout, an answer without text) the written
 * description stands. Never needed: the measured one is always made first.
 */
export type LlmConfig = { baseUrl: string; apiKey?: string; model: string; timeoutMs: number };

export type ShotFacts = {
  seconds: number;
  written: string;
  objects: { track_id: string; label: string; colour: string | null; position: string; moving: string | null }[];
  text_on_screen: string[];
  speech: string | null;
};

export type Described = { description: string; source: "llm" | "measured"; error?: string };

export function llmConfig(): LlmConfig | null {
  const config = env();
  if (!config.LLM_BASE_URL || !config.LLM_MODEL) return null;
  return { baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL, timeoutMs: config.LLM_TIMEOUT_S * 1000 };
}

export function chatCompletionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return `${trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`}/chat/completions`;
}

const MAX_DESCRIPTION = 400;

export async function describeWithLlm(config: LlmConfig, keyframe: string, facts: ShotFacts): Promise<Described> {
  const fallback = (error: string): Described => ({ description: facts.written, source: "measured", error });
  try {
    const image = (await readFile(keyframe)).toString("base64");
    const response = await fetch(chatCompletionsUrl(config.baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(config.apiKey ? { Authorization: `Bearer ${config.apiKey}` } : {}) },
      signal: AbortSignal.timeout(config.timeoutMs),
      body: JSON.stringify({
        model: config.model,
        temperature: 0.2,
        max_tokens: 120,
        messages: [
          {
            role: "system",
            content: "You describe one shot of a video for an editor in a single plain sentence of at most 30 words: who and what is in it and what happens. Use the measurements given; do not invent people, objects or words that they and the picture do not show.",
          },
          {
            role: "user",
            content: [
              { type: "text", text: `The shot's middle frame is attached. Measured in the shot:\n${JSON.stringify(facts, null, 1)}` },
              { type: "image_url", image_url: { url: `data:image/jpeg;base64,${image}` } },
            ],
          },
        ],
      }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return fallback(`the model answered ${response.status}`);
    }
    const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
    const content = body.choices?.[0]?.message?.content;
    const text = typeof content === "string" ? content.trim().replace(/\s+/g, " ") : "";
    if (!text) return fallback("the model's answer had no text");
    return { description: text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text, source: "llm" };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    return fallback(name === "TimeoutError" ? `no answer within ${config.timeoutMs / 1000} s` : `the model could not be reached (${error instanceof Error ? error.message : String(error)})`);
  }
}
