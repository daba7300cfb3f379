/**
 * plotFontFiles: the font files the PNG renderer (resvg) draws text with: DejaVu Sans, from Debian's
 * fonts-dejavu-core (lab/install-packages.sh installs it). resvg does not ask fontconfig, and with no font it
 * silently leaves every text out, so a missing font is an error here instead of a PNG without words.
 */
import { existsSync } from 'node:fs';

export const PLOT_FONT_FAMILY = 'DejaVu Sans';
const REGULAR = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** plotFontFiles: DejaVu Sans regular (required) and bold (the title; optional: resvg then draws it regular). */
export function plotFontFiles(): string[] {
  if (!existsSync(REGULAR)) {
    throw new Error(`no font for the PNG plots: ${REGULAR} is missing; install Debian's fonts-dejavu-core (bash lab/install-packages.sh does)`);
  }
  return existsSync(BOLD) ? [REGULAR, BOLD] : [REGULAR];
}
