/**
 * Who can be a subject: contracts/reframer.md's two classes, `person` and `product`. A product is a COCO class a
 * viewer could buy or a brand could replace: vehicles, bags, sports gear, tableware, food,
 * furniture, electronics and household things. Animals and street furniture (traffic light,
 * fire hydrant, stop sign, parking meter) are neither, and appear only with `?classes=coco`.
 */
const notProducts = new Set([
  "traffic light", "fire hydrant", "stop sign", "parking meter",
  "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
]);

export type ContractClass = "person" | "product";

export function contractClassOf(label: string): ContractClass | null {
  if (label === "person") return "person";
  return notProducts.has(label) ? null : "product";
}
