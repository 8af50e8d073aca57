import { diagnostics, installedModels } from "./checks";

/** contracts/reframer.md §1: healthy, degraded (some features unavailable) or unhealthy. */
export async function toReframerHealth() {
  const [report, models] = await Promise.all([diagnostics(), installedModels()]);
  const status = !report.database.connected ? "unhealthy" : report.status === "ok" && models.length > 0 ? "healthy" : "degraded";
  return {
    status,
    database: report.database.connected ? "connected" : "disconnected",
    models,
    timestamp: new Date().toISOString().replace("Z", "000"),
  };
}
