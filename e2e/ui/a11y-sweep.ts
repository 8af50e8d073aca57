import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

// The accessibility sweep of e2e/ui/a11y.spec.ts, shared with the specs whose pages it cannot
// reach without their own jobs (e2e/ui/new-work.spec.ts).

const screens = ".cache/screens";

export type Finding = { page: string; viewport: string; problem: string };

/** Sideways scroll and axe's serious/critical findings for the page as it stands, plus its screenshot. */
export async function sweep(page: Page, name: string, viewport: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  if (scrollWidth > innerWidth) {
    // Name the outermost elements that stick out, so that the finding says where to look.
    const culprits = await page.evaluate(() => {
      const wide = [...document.querySelectorAll("body *")].filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1);
      return wide
        .filter((element) => !wide.includes(element.parentElement!))
        .slice(0, 3)
        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].slice(0, 4).join(".")} (${Math.round(element.getBoundingClientRect().right)}px)`);
    });
    findings.push({ page: name, viewport, problem: `scrolls sideways: ${scrollWidth}px wide in ${innerWidth}px; sticking out: ${culprits.join(", ")}` });
  }
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  for (const violation of violations) {
    if (violation.impact !== "serious" && violation.impact !== "critical") continue;
    const where = violation.nodes.slice(0, 8).map((node) => `${node.target.join(" ")}${node.failureSummary ? ` (${node.failureSummary.split("\n").slice(1).join(" ").trim()})` : ""}`);
    findings.push({ page: name, viewport, problem: `${violation.id} [${violation.impact}] x${violation.nodes.length}: ${where.join("; ")}` });
  }
  await page.screenshot({ path: `${screens}/a11y-${name}-${viewport}.png`, fullPage: true });
  return findings;
}

