/**
 * Scene profiles: which detector classes a job tracks and reports. The detector knows the 80
 * COCO classes and, on a small model, confuses many of them (a hand with a cup scores as a
 * skateboard, a bin as a person's luggage): a street scene should not offer skis. A profile
 * is the set of classes that can plausibly be in such a scene; `all` keeps every class.
 * Plain data, so client components (the upload form) import it too.
 */
export const SCENE_PROFILES = ["general", "street", "cabin", "retail", "all"] as const;
export type SceneProfile = (typeof SCENE_PROFILES)[number];
export const DEFAULT_SCENE_PROFILE: SceneProfile = "general";

const people = ["person"];
const vehicles = ["bicycle", "car", "motorcycle", "bus", "truck"];
const carried = ["backpack", "handbag", "suitcase", "umbrella"];
const handheld = ["cell phone", "cup", "bottle", "wine glass", "book", "laptop"];
const food = ["sandwich", "banana", "apple", "orange", "donut", "pizza", "hot dog", "cake", "bowl"];
const pets = ["dog", "cat"];

const profileClasses: Record<Exclude<SceneProfile, "all">, readonly string[]> = {
  /** People, vehicles, pets and what people carry or hold: the usual subjects of a video. */
  general: [...people, ...vehicles, ...pets, ...carried, ...handheld, ...food, "horse", "bird", "chair", "tv"],
  /** Roads and pavements. */
  street: [...people, ...vehicles, ...pets, ...carried, "traffic light", "stop sign"],
  /** Inside a vehicle: who is there and what they hold (phone use, eating or drinking). */
  cabin: [...people, ...carried, ...handheld, ...food],
  /** Shops: shoppers and what they carry or pick up. */
  retail: [...people, ...carried, ...handheld, ...food, "chair", "tv"],
};

/** The classes a profile reports, or null for every class. */
export function classesOf(profile: SceneProfile): ReadonlySet<string> | null {
  return profile === "all" ? null : new Set(profileClasses[profile]);
}

export const sceneProfileDescriptions: Record<SceneProfile, string> = {
  general: "People, vehicles, pets and everyday things",
  street: "People and traffic",
  cabin: "People in a vehicle and what they hold",
  retail: "Shoppers and what they carry",
  all: "Every class the detector knows (80)",
};
