import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { openDatabase, type DatabaseHandle } from "./client";

/**
 * `npm run backup` / `npm run restore` for the embedded database (PGlite in DATA_DIR/db).
 * PGlite has one opener per folder, and a file copy of a folder it is writing is not a
 * database; so a backup is taken by the process that has it open: the running server answers
 * on a socket in DATA_DIR (only whoever may read DATA_DIR can reach it), and with no server
 * running the script opens the folder itself. A restore needs the server stopped.
 */

/** Where the running server listens for backup requests. */
export function backupSocketPath(dataDir: string): string {
  return path.join(dataDir, "backup.sock");
}

/** The server side: writes a consistent copy to the path a request names. Returns a closer. */
export async function serveBackups(handle: DatabaseHandle, dataDir: string): Promise<() => Promise<void>> {
  const socketPath = backupSocketPath(dataDir);
  // A socket file left by a killed server; with PGlite only this process owns DATA_DIR.
  await fs.rm(socketPath, { force: true });
  const server = net.createServer((socket) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (!text.includes("\n")) return;
      void (async () => {
        try {
          const { target } = JSON.parse(text) as { target: string };
          const bytes = await writeDump(handle, target);
          socket.end(`${JSON.stringify({ ok: true, bytes })}\n`);
        } catch (error) {
          socket.end(`${JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) })}\n`);
        }
      })();
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

async function writeDump(handle: DatabaseHandle, target: string): Promise<number> {
  if (!handle.dump) throw new Error("Only the embedded database (PGlite) is backed up here; back up PostgreSQL with pg_dump");
  const data = Buffer.from(await (await handle.dump()).arrayBuffer());
  await fs.mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.part`;
  await fs.writeFile(partial, data);
  await fs.rename(partial, target);
  return data.length;
}

/** Asks a running server for a backup; null when none answers on DATA_DIR's socket. */
async function askServer(dataDir: string, target: string): Promise<{ ok: boolean; bytes?: number; error?: string } | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(backupSocketPath(dataDir));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(`${JSON.stringify({ target })}\n`));
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => resolve(JSON.parse(text)));
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ENOENT" || error.code === "ECONNREFUSED" ? resolve(null) : reject(error)));
  });
}

/** Whether a server is running on DATA_DIR (it answers on the backup socket). */
export async function serverRunning(dataDir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(backupSocketPath(dataDir));
    socket.on("connect", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

/** Writes a backup of DATA_DIR's database to `target`: through the running server, else directly. */
export async function backupDatabase(dataDir: string, target: string): Promise<{ bytes: number; through: "server" | "folder" }> {
  const absolute = path.resolve(target);
  const answer = await askServer(dataDir, absolute);
  if (answer) {
    if (!answer.ok) throw new Error(answer.error);
    return { bytes: answer.bytes ?? 0, through: "server" };
  }
  const handle = await openDatabase({ dataDir });
  try {
    return { bytes: await writeDump(handle, absolute), through: "folder" };
  } finally {
    await handle.close();
  }
}

/**
 * Replaces DATA_DIR's database with a backup; the server must be stopped. The current folder is
 * kept beside it as db.before-restore-<time> (delete it once the restored one works).
 */
export async function restoreDatabase(dataDir: string, source: string): Promise<{ keptAt: string | null }> {
  if (await serverRunning(dataDir)) throw new Error(`A server is running on ${dataDir}: stop it, then restore`);
  const data = await fs.readFile(path.resolve(source));
  const folder = path.join(dataDir, "db");
  const restoring = `${folder}.restoring`;
  await fs.rm(restoring, { recursive: true, force: true });
  await fs.mkdir(restoring, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite-pgvector");
  // Loaded into a fresh folder and read back before anything is replaced: a bad file changes nothing.
  const client = new PGlite({ dataDir: restoring, loadDataDir: new Blob([data]), extensions: { vector } });
  try {
    await client.waitReady;
    await client.query("select count(*) from jobs");
  } finally {
    await client.close().catch(() => undefined);
  }
  let keptAt: string | null = `${folder}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await fs.rename(folder, keptAt).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    keptAt = null;
  });
  await fs.rename(restoring, folder);
  return { keptAt };
}
