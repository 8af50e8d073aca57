import http from "node:http";
import busboy from "busboy";

/**
 * A stand-in for the external OpenAI-compatible speech-to-text server (ASR_BASE_URL), so the
 * Inngest-mode specs can make a real job step fail or wait on demand: the transcribe job does
 * all its own work (audio extraction, the upload, parsing, storing) and only the recognition
 * is scripted. The job's `language` (any code is accepted when ASR_BASE_URL is set) tags each
 * request, and says how to answer:
 * - `…-flaky`: 503 the first time, then a transcript (a step that succeeds on its retry);
 * - `…-fail`: 500 every time (a step that fails on every attempt);
 * - anything else: a transcript after `delayMs`.
 */
export type SpeechCall = { language: string; startedAt: number; endedAt?: number; status?: number };

export type SpeechServer = {
  calls: SpeechCall[];
  delayMs: number;
  close: () => Promise<void>;
};

export async function startSpeechServer(port: number): Promise<SpeechServer> {
  const calls: SpeechCall[] = [];
  const self: SpeechServer = {
    calls,
    delayMs: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  const server = http.createServer((request, response) => {
    const fields: Record<string, string> = {};
    const form = busboy({ headers: request.headers });
    form.on("field", (name, value) => (fields[name] = value));
    form.on("file", (_name, stream) => stream.resume());
    form.on("close", () => {
      const call: SpeechCall = { language: fields.language ?? "", startedAt: Date.now() };
      calls.push(call);
      const answer = (status: number, body: unknown) => {
        call.endedAt = Date.now();
        call.status = status;
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      const earlier = calls.filter((c) => c.language === call.language).length - 1;
      setTimeout(() => {
        if (call.language.endsWith("-fail")) return answer(500, { error: { message: "recogniser crashed" } });
        if (call.language.endsWith("-flaky") && earlier === 0) return answer(503, { error: { message: "recogniser busy" } });
        answer(200, {
          text: "open the door",
          language: call.language,
          duration: 3,
          words: [
            { word: "open", start: 0.5, end: 0.9 },
            { word: "the", start: 0.9, end: 1.1 },
            { word: "door", start: 1.1, end: 1.6 },
          ],
          segments: [{ start: 0.5, end: 1.6, text: "open the door" }],
        });
      }, self.delayMs);
    });
    request.pipe(form);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return self;
}
