export * from "./users";
export * from "./api-keys";
export * from "./videos";
export * from "./jobs";
export * from "./rate-limits";
export * from "./engine";
export * from "./analysis";
export * from "./features";
