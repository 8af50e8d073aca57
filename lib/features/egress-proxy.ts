import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { checkUrlTarget, type FetchPolicy } from "./fetch-url";

/**
 * An HTTP proxy on 127.0.0.1 for one yt-dlp run (`--proxy`), so that every request yt-dlp
 * makes, not just the page URL we hand it, is checked like our own downloads: the destination
 * host is resolved here and refused (403) when any of its addresses is loopback, link-local
 * or private (unless ALLOW_PRIVATE_URLS is on), and the connection then goes to the address
 * that was checked, never to a second lookup. HTTPS arrives as CONNECT host:port (a tunnel
 * after the check; TLS stays end to end), plain HTTP as absolute-form requests forwarded
 * after the same check. Redirects need nothing more: each hop is a new request through here.
 */
export type EgressProxy = { url: string; refused: string[]; close: () => Promise<void> };

type Policy = Pick<FetchPolicy, "allowPrivate" | "resolve" | "isBlocked">;

export async function startEgressProxy(policy: Policy): Promise<EgressProxy> {
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };

  const server = http.createServer((req, res) => {
    void forward(req, res);
  });
  async function forward(req: http.IncomingMessage, res: http.ServerResponse) {
    let checked: Awaited<ReturnType<typeof checkUrlTarget>>;
    try {
      if (!/^http:\/\//i.test(req.url ?? "")) throw new Error("absolute http URL expected");
      checked = await checkUrlTarget(req.url!, policy);
    } catch {
      refused.push(req.url ?? "");
      res.writeHead(403, { "content-type": "text/plain" }).end("refused by Framewise's egress check\n");
      return;
    }
    const { url, target } = checked;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !/^proxy-/i.test(name)));
    const upstream = http.request({ host: target.address, family: target.family, port: Number(url.port || 80), method: req.method, path: `${url.pathname}${url.search}`, headers: { ...headers, host: url.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  }

  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    client.on("error", () => client.destroy());
    void (async () => {
      const authority = req.url ?? "";
      let checked: Awaited<ReturnType<typeof checkUrlTarget>>;
      try {
        checked = await checkUrlTarget(`https://${authority}/`, policy);
      } catch {
        refused.push(authority);
        client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        return;
      }
      const upstream = net.connect({ host: checked.target.address, family: checked.target.family, port: Number(checked.url.port || 443) });
      track(upstream);
      upstream.once("connect", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => {
        if (!client.writableEnded) client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
      });
    })();
  });
  server.on("connection", track);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
