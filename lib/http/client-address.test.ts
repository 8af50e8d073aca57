import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddress, clientAddressHeader, normalizeAddress, stampClientAddress } from "./client-address";
import { uploadSubject } from "./upload-slots";

describe("client address", () => {
  it("is the socket's address, whatever the client sends under the private header", async () => {
    const seen: string[] = [];
    const server = http.createServer((request, response) => {
      stampClientAddress(request);
      seen.push(clientAddress(new Request("http://x/", { headers: request.headers as Record<string, string> })));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await (await fetch(url)).arrayBuffer();
      await (await fetch(url, { headers: { [clientAddressHeader]: "203.0.113.7", "x-forwarded-for": "203.0.113.8" } })).arrayBuffer();
    } finally {
      server.close();
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("reads IPv4 on a dual-stack socket as IPv4, and is 'unknown' without the stamp", () => {
    expect(normalizeAddress("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(normalizeAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(normalizeAddress(undefined)).toBe("unknown");
    expect(clientAddress(new Request("http://x/"))).toBe("unknown");
  });

  it("gives anonymous callers upload slots per address, not one pool for all", () => {
    const from = (address: string) => new Request("http://x/", { headers: { [clientAddressHeader]: address } });
    const anonymous = { apiKeyId: null, user: null };
    expect(uploadSubject(anonymous, from("10.0.0.1"))).toBe("ip:10.0.0.1");
    expect(uploadSubject(anonymous, from("10.0.0.2"))).not.toBe(uploadSubject(anonymous, from("10.0.0.1")));
    expect(uploadSubject({ apiKeyId: "k1", user: { id: "u1" } }, from("10.0.0.1"))).toBe("key:k1");
    expect(uploadSubject({ apiKeyId: null, user: { id: "u1" } }, from("10.0.0.1"))).toBe("user:u1");
  });
});
