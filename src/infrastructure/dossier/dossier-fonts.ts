import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fonts the dossier embeds, shipped in the repository (assets/fonts/README.md). */
const FONT_FILES = {
  sans: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
} as const;

export type DossierFont = keyof typeof FONT_FILES;

/** `assets/fonts` of the project: the nearest one above this module (src/… or dist/src/…). */
export function dossierFontDir(from = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  for (;;) {
    const candidate = join(folder, 'assets', 'fonts');
    if (existsSync(join(candidate, FONT_FILES.sans))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) {
      throw new Error(
        `The dossier's fonts (assets/fonts/${FONT_FILES.sans}) were not found above ${from}: deploy assets/ beside package.json.`,
      );
    }
    folder = parent;
  }
}

let loaded: Record<DossierFont, Buffer> | undefined;

/** The font files' bytes, read once: every dossier embeds exactly these. */
export function dossierFonts(): Record<DossierFont, Buffer> {
  if (loaded === undefined) {
    const dir = dossierFontDir();
    loaded = {
      sans: readFileSync(join(dir, FONT_FILES.sans)),
      bold: readFileSync(join(dir, FONT_FILES.bold)),
      mono: readFileSync(join(dir, FONT_FILES.mono)),
    };
  }
  return loaded;
}
