/** How the viewer names an event type. Pure: the components, gallery search and tests share it. */

/**
 * The event rules' labels (lib/analysis/events/detect-events.ts) as the options form names the
 * rules (components/analysis/analysis-options.tsx); any other label (a "<class> visible" rule, a
 * zone) is shown as it is, capitalised.
 */
const ruleNames: Record<string, string> = {
  person: "Person present",
  "phone use": "Phone use",
  "eating or drinking": "Eating or drinking",
  "person entering": "Person entering",
  "person leaving": "Person leaving",
};

export function eventName(label: string): string {
  return ruleNames[label] ?? (label ? label[0].toUpperCase() + label.slice(1) : "Event");
}
