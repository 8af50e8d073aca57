/** A product's id from its name: letters, digits, '-', as the API takes them (lib/features/job-kinds.ts). */
export function productIdOf(name: string, index: number): string {
  const slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);
  return slug || `product-${index + 1}`;
}
