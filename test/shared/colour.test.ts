import { describe, expect, it } from "vitest";
import { colourFor, ON_COLOUR, PALETTE } from "../../src/shared/colour.ts";

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe("presence colours", () => {
  it("every palette colour carries its initials at AA contrast (4.5:1)", () => {
    expect(contrast("#ffffff", "#000000")).toBeCloseTo(21, 5); // the formula itself
    const failing = PALETTE.filter((colour) => contrast(colour, ON_COLOUR) < 4.5);
    expect(failing).toEqual([]);
  });

  it("gives an id the same colour every time, from the palette, spread over it", () => {
    const ids = Array.from({ length: 600 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    expect(ids.map(colourFor)).toEqual(ids.map(colourFor));
    const used = new Set(ids.map(colourFor));
    expect([...used].every((colour) => PALETTE.includes(colour))).toBe(true);
    expect(used.size).toBe(PALETTE.length);
  });
});
