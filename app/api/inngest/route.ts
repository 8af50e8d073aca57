// GET/POST/PUT /api/inngest: the Inngest serve() endpoint. Inngest (Cloud or self-hosted) or
// the local engine syncs with PUT and runs every step through POST.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
