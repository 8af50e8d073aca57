import makeVideos from "../global-setup";
import { cluster, parseParts, saveParts } from "./parts";

/** A fresh cluster for the suite (its own data folder and database), stopped after it. */
export default function setup() {
  makeVideos();
  cluster("reset");
  const parts = parseParts(cluster("up"));
  for (const key of ["front", "inngest", "data"] as const) if (!parts[key]) throw new Error(`cluster.sh up printed no ${key} line`);
  if (parts.web.length !== 2 || parts.worker.length !== 2) throw new Error("cluster.sh up should print two web and two worker lines");
  saveParts(parts);
  return () => {
    cluster("down");
  };
}
