// What "usable at 1024 px" means in a test: nothing on the page scrolls sideways — neither the
// document nor any element that lets its content scroll — and both sizes are kept as screenshots.
import type { Page } from 'playwright-core';
import type { RunningApp } from './app';

export const WIDE = { width: 1440, height: 900 } as const;
export const NARROW = { width: 1024, height: 700 } as const;

/** Elements (the document included) whose content is wider than they are and that scroll sideways. */
export async function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`the page (${root.scrollWidth} px wide in ${root.clientWidth} px)`);
    const width = root.clientWidth;
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      // Content that sticks out past the right edge, even where nothing scrolls (clipped or hidden by the window).
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && box.right > width + 1 && getComputedStyle(element).visibility !== 'hidden') {
        const name = element.getAttribute('aria-label') ?? (element.className || element.tagName.toLowerCase());
        found.push(`${element.tagName.toLowerCase()} "${name}" ends at ${Math.round(box.right)} px, past ${width} px`);
      }
      const overflow = getComputedStyle(element).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && element.scrollWidth > element.clientWidth + 1) {
        const name = element.getAttribute('aria-label') ?? element.className;
        found.push(`${element.tagName.toLowerCase()} "${name}" (${element.scrollWidth} px in ${element.clientWidth} px)`);
      }
    }
    return found;
  });
}

/** Screenshots at 1440x900 and 1024x700 (NAME-1440.png, NAME-1024.png); fails if the 1024 px one scrolls sideways. */
export async function screenshotsAtBothSizes(app: RunningApp, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await app.page.setViewportSize(WIDE);
  await app.screenshot(`${name}-1440`, options);
  await app.page.setViewportSize(NARROW);
  // Checked in the window itself, before the screenshot: a full-page capture lays the page out anew.
  await app.page.waitForTimeout(150);
  const scrollers = await sidewaysScrollers(app.page);
  await app.screenshot(`${name}-1024`, options);
  if (scrollers.length > 0) throw new Error(`${name} scrolls sideways at 1024 px: ${scrollers.join('; ')}`);
}
