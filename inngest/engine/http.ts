import http from "node:http";
import https from "node:https";
import { canonicalJson, signatureHeader, signBody, verifySignature } from "./signing";

/**
 * Plain node:http calls to the app's serve() endpoint. Not fetch: undici gives up on a
 * response after 300 s without headers, and a step (an ffmpeg pass) may take longer.
 */
export type SdkResponse = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  text: string;
  /** The answer carries the SDK's signature over its body, made with our key. */
  signed: boolean;
};

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * One signed call: the body is sent as canonical JSON, exactly the text that is signed (the SDK
 * re-canonicalizes what it parses, so the two agree), and the answer's signature is checked.
 */
export function callSdk(
  method: "POST" | "PUT",
  url: string,
  body: unknown,
  signingKey: string,
  headers: Record<string, string> = {},
): Promise<SdkResponse> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  const requestText = canonicalJson(body);
  const payload = Buffer.from(requestText);
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method,
        agent: target.protocol === "https:" ? agents.https : agents.http,
        headers: {
          "content-type": "application/json",
          "content-length": String(payload.length),
          [signatureHeader]: signBody(signingKey, requestText),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: keep the text for the error message
          }
          const signed = verifySignature(signingKey, text, response.headers[signatureHeader]);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed, text, signed });
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

export async function readRequestBody(request: http.IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error("event payload too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
