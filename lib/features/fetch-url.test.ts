import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkUrlTarget, downloadToFile, isPrivateAddress, platformOf, sniffMedia, type Resolver } from "./fetch-url";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "not-an-ip",
    // NAT64, IPv4-compatible, 6to4 and IPv4-translated forms of loopback, private and link-local.
    "64:ff9b::7f00:1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1",
    "::127.0.0.1",
    "::7f00:1",
    "::a9fe:a9fe",
    "2002:7f00:1::",
    "2002:c0a8:101::1",
    "2002:a9fe:a9fe::",
    "::ffff:0:127.0.0.1",
    "::ffff:0:a00:1",
    "::ffff:192.168.0.1",
    "2001:db8::1",
    "2001::1",
    "ff02::1",
    "100::1",
    "fec0::1",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.2.1",
  ])("refuses %s", (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])("allows %s", (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe("checkUrlTarget", () => {
  const publicResolver: Resolver = async () => [{ address: "93.184.216.34", family: 4 }];
  const rebinding: Resolver = async () => [
    { address: "93.184.216.34", family: 4 },
    { address: "127.0.0.1", family: 4 },
  ];
  it("checks the address DNS answers, not the name", async () => {
    await expect(checkUrlTarget("http://shop.example/a.jpg", { allowPrivate: false, resolve: publicResolver })).resolves.toMatchObject({ target: { address: "93.184.216.34" } });
    await expect(checkUrlTarget("http://shop.example/a.jpg", { allowPrivate: false, resolve: async () => [{ address: "10.0.0.5", family: 4 }] })).rejects.toThrow(/private/);
    // One private answer among public ones is enough to refuse: a client may connect to any.
    await expect(checkUrlTarget("http://shop.example/a.jpg", { allowPrivate: false, resolve: rebinding })).rejects.toThrow(/ALLOW_PRIVATE_URLS/);
  });
  it("refuses literal private addresses and other schemes", async () => {
    await expect(checkUrlTarget("http://127.0.0.1:8080/x", { allowPrivate: false })).rejects.toThrow(/private/);
    await expect(checkUrlTarget("http://[::1]/x", { allowPrivate: false })).rejects.toThrow(/private/);
    await expect(checkUrlTarget("http://[::ffff:169.254.169.254]/latest", { allowPrivate: false })).rejects.toThrow(/private/);
    for (const host of ["[64:ff9b::7f00:1]", "[::127.0.0.1]", "[2002:7f00:1::]"]) {
      await expect(checkUrlTarget(`http://${host}/x`, { allowPrivate: false }), host).rejects.toThrow(/private/);
    }
    await expect(checkUrlTarget("file:///etc/passwd", { allowPrivate: true })).rejects.toThrow(/only http and https/);
    await expect(checkUrlTarget("http://user:pw@shop.example/", { allowPrivate: true, resolve: publicResolver })).rejects.toThrow(/credentials/);
  });
  it("allows private ranges when told to", async () => {
    await expect(checkUrlTarget("http://127.0.0.1/x", { allowPrivate: true })).resolves.toMatchObject({ target: { address: "127.0.0.1" } });
  });
});

describe("downloadToFile", () => {
  let server: http.Server;
  let base: string;
  let dir: string;
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fetch-url-"));
    server = http.createServer((req, res) => {
      if (req.url === "/a.jpg") return res.writeHead(200, { "content-type": "image/jpeg" }).end(jpeg);
      if (req.url === "/redirect") return res.writeHead(302, { location: "/a.jpg" }).end();
      if (req.url === "/to-metadata") return res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "video/mp4" });
        res.end(Buffer.alloc(200_000));
        return;
      }
      if (req.url === "/slow") {
        res.writeHead(200);
        res.write("x");
        return; // never ends
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  const allowed = { allowPrivate: true, maxBytes: 100_000, timeoutMs: 3000 };

  it("streams a file to disk and gives its first bytes for the content check", async () => {
    const result = await downloadToFile(`${base}/redirect`, path.join(dir, "a.jpg"), allowed);
    expect(result.bytes).toBe(jpeg.length);
    expect(sniffMedia(result.head)).toBe("image");
    expect(await readFile(path.join(dir, "a.jpg"))).toEqual(jpeg);
  });
  it("refuses the loopback server when private URLs are off", async () => {
    await expect(downloadToFile(`${base}/a.jpg`, path.join(dir, "b.jpg"), { ...allowed, allowPrivate: false })).rejects.toThrow(/private/);
  });
  it("checks every redirect", async () => {
    // The test server's own address passes here; the redirect to the link-local metadata
    // address must be refused before anything connects to it.
    const isBlocked = (address: string) => address.startsWith("169.254.");
    await expect(downloadToFile(`${base}/to-metadata`, path.join(dir, "c"), { ...allowed, allowPrivate: false, isBlocked })).rejects.toThrow(
      /169\.254\.169\.254 resolves to a private/,
    );
    await expect(downloadToFile(`${base}/redirect`, path.join(dir, "d.jpg"), { ...allowed, allowPrivate: false, isBlocked })).resolves.toMatchObject({ bytes: jpeg.length });
  });
  it("stops at the size cap and the time cap, leaving no file", async () => {
    await expect(downloadToFile(`${base}/big`, path.join(dir, "big"), allowed)).rejects.toThrow(/download limit/);
    await expect(stat(path.join(dir, "big"))).rejects.toThrow();
    await expect(stat(path.join(dir, "big.part"))).rejects.toThrow();
    await expect(downloadToFile(`${base}/slow`, path.join(dir, "slow"), { ...allowed, timeoutMs: 500 })).rejects.toThrow(/longer than|timed out/);
    await expect(downloadToFile(`${base}/missing`, path.join(dir, "m"), allowed)).rejects.toThrow(/HTTP 404/);
  });
});

describe("sniffMedia and platformOf", () => {
  it("tells images, videos and pages apart", () => {
    expect(sniffMedia(Buffer.from("\x89PNG\r\n", "latin1"))).toBe("image");
    expect(sniffMedia(Buffer.from("\0\0\0\x20ftypisom", "latin1"))).toBe("video");
    expect(sniffMedia(Buffer.from("RIFF\0\0\0\0AVI LIST", "latin1"))).toBe("video");
    expect(sniffMedia(Buffer.from("<!DOCTYPE html><html>", "latin1"))).toBe("html");
    expect(sniffMedia(Buffer.from("hello", "latin1"))).toBe("unknown");
  });
  it("names the platform from the URL", () => {
    expect(platformOf("https://www.youtube.com/watch?v=x")).toBe("youtube");
    expect(platformOf("https://youtu.be/x")).toBe("youtube");
    expect(platformOf("https://vm.tiktok.com/x")).toBe("tiktok");
    expect(platformOf("https://www.instagram.com/reel/x")).toBe("instagram");
    expect(platformOf("https://player.vimeo.com/video/1")).toBe("vimeo");
    expect(platformOf("https://cdn.example/review.mp4")).toBe("direct");
    expect(platformOf("https://notyoutube.com/x")).toBe("direct");
  });
});
