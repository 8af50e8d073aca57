// POST /features/search/image (multipart; issue 13 §6 "or an uploaded image"): frames of a
// feature job where the pictured product appears, and its nearest product images.
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { imageSearchFields, searchByImage } from "@/lib/features/search-image";

export const POST = route(
  { auth: "anonymousApi", input: "multipart", body: imageSearchFields, multipart: { fileFields: ["image"], maxFiles: 1 } },
  async ({ ctx, body, form }) => Response.json(await searchByImage(await db(), ctx, body, form.files.find((file) => file.field === "image"))),
);
