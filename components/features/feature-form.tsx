"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropZone, VIDEO_ACCEPT } from "@/components/upload/drop-zone";
import { useUpload } from "@/components/upload/use-upload";
import { productIdOf } from "@/lib/features/product-id";
import { UploadFooter } from "@/components/upload/upload-progress";

type Product = { key: number; name: string; files: File[]; addresses: string };

const lines = (text: string) => text.split(/\s+/).map((line) => line.trim()).filter(Boolean);

const textArea = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm";

/**
 * Extract features: products (a name, pictures uploaded or by web address) and videos
 * (uploaded or by web address), sent as one multipart POST /jobs/?job_type=extract_features
 * (lib/features/create-from-form.ts takes the files); the job's review page follows it.
 */
export function FeatureForm() {
  const router = useRouter();
  const [products, setProducts] = useState<Product[]>([{ key: 0, name: "", files: [], addresses: "" }]);
  const [videos, setVideos] = useState<File[]>([]);
  const [videoAddresses, setVideoAddresses] = useState("");
  const [fps, setFps] = useState("1");
  const { percent, error, setError, send } = useUpload("the extraction");
  const change = (key: number, patch: Partial<Product>) => setProducts((list) => list.map((product) => (product.key === key ? { ...product, ...patch } : product)));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const given = products.filter((product) => product.files.length || lines(product.addresses).length);
    const ids = given.map((product, index) => productIdOf(product.name, index));
    if (given.length === 0 && videos.length === 0 && lines(videoAddresses).length === 0) return setError("Add a product picture or a video first");
    const twice = ids.find((id, index) => ids.indexOf(id) !== index);
    if (twice) return setError(`Two products are named “${twice}”: give each its own name`);
    const bad = [...given.flatMap((product) => lines(product.addresses)), ...lines(videoAddresses)].find((address) => !/^https?:\/\/\S+$/i.test(address));
    if (bad) return setError(`“${bad}” is not a web address: it should start with http:// or https://`);
    const form = new FormData();
    const payload = {
      products: given.map((product, index) => ({ product_id: ids[index], ...(product.name.trim() ? { title: product.name.trim() } : {}), images: lines(product.addresses) })),
      videos: lines(videoAddresses).map((url) => ({ url })),
      fps: Number(fps) || 1,
    };
    form.append("payload", JSON.stringify(payload));
    given.forEach((product, index) => product.files.forEach((file) => form.append(`image:${ids[index]}`, file)));
    videos.forEach((file) => form.append("video", file));
    const body = await send("/jobs/?job_type=extract_features", form, 202);
    if (body) router.push(`/features/${String(body.id)}`);
  }

  return (
    <form onSubmit={submit} className="space-y-6" data-testid="feature-form">
      <section className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <h2 className="text-lg font-medium">Products</h2>
          <p className="text-sm text-slate-600">Pictures of what to look for. Each product can have several pictures.</p>
        </div>
        {products.map((product, index) => (
          <fieldset key={product.key} className="space-y-3 rounded-lg border border-slate-200 p-4" data-testid="product">
            <legend className="px-1 text-sm font-medium">Product {index + 1}</legend>
            <div className="text-sm">
              <label htmlFor={`product-name-${product.key}`} className="block font-medium">Name</label>
              <input id={`product-name-${product.key}`} value={product.name} maxLength={100} onChange={(e) => change(product.key, { name: e.target.value })} placeholder="e.g. Red mug" className={textArea} />
            </div>
            <DropZone
              label={`Pictures of product ${index + 1}`}
              what="pictures"
              multiple
              hint="JPEG, PNG or WebP"
              accept="image/*"
              files={product.files}
              onChoose={(files) => change(product.key, { files })}
              testId={`product-drop-zone-${index}`}
              inputTestId={`product-files-${index}`}
            />
            <div className="text-sm">
              <label htmlFor={`product-addresses-${product.key}`} className="block font-medium">Or picture web addresses <span className="font-normal text-slate-600">(one a line)</span></label>
              <textarea id={`product-addresses-${product.key}`} rows={2} value={product.addresses} onChange={(e) => change(product.key, { addresses: e.target.value })} placeholder="https://shop.example/mug.jpg" className={textArea} />
            </div>
            {products.length > 1 && (
              <button type="button" onClick={() => setProducts((list) => list.filter((other) => other.key !== product.key))} className="text-sm text-red-700 underline">
                Remove product {index + 1}
              </button>
            )}
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() => setProducts((list) => [...list, { key: Math.max(...list.map((p) => p.key)) + 1, name: "", files: [], addresses: "" }])}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
        >
          Add another product
        </button>
      </section>
      <section className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <h2 className="text-lg font-medium">Videos</h2>
          <p className="text-sm text-slate-600">Where to look. Frames are taken from each video and compared with the products.</p>
        </div>
        <DropZone label="Video files" what="videos" multiple hint="MP4, MOV, MKV or AVI" accept={VIDEO_ACCEPT} files={videos} onChoose={(files) => (setVideos(files), setError(null))} onRefuse={setError} testId="video-drop-zone" inputTestId="video-files" />
        <div className="text-sm">
          <label htmlFor="video-addresses" className="block font-medium">Or video web addresses <span className="font-normal text-slate-600">(one a line)</span></label>
          <textarea id="video-addresses" rows={2} value={videoAddresses} onChange={(e) => setVideoAddresses(e.target.value)} placeholder="https://videos.example/ad.mp4" className={textArea} />
        </div>
        <div className="text-sm">
          <label htmlFor="feature-fps" className="block font-medium">Frames taken per second</label>
          <input id="feature-fps" type="number" min={0.1} max={10} step={0.1} value={fps} onChange={(e) => setFps(e.target.value)} aria-describedby="feature-fps-hint" className="mt-1 w-28 rounded-md border border-slate-300 px-3 py-2" />
          <p id="feature-fps-hint" className="mt-1 text-slate-600">A frame is also taken at every cut between shots.</p>
        </div>
      </section>
      <UploadFooter percent={percent} error={error} action="Start extracting" />
    </form>
  );
}
