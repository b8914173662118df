import { createRequire } from 'node:module';

/**
 * Noto Serif, shipped by the @expo-google-fonts/noto-serif npm package: a
 * Times-like serif (what Vietnamese administrative documents are set in) with
 * every precomposed Vietnamese letter, in static regular/bold/italic/bold-italic
 * TrueType files, under the OFL. It comes from npm rather than the OS so that
 * `npm ci && npm start` renders the same PDFs on any machine.
 *
 * Resolved when this module loads, so a missing package fails at start-up, not
 * on the first receipt a citizen asks for.
 */
const require = createRequire(import.meta.url);
const PKG = '@expo-google-fonts/noto-serif';

export const FONTS = {
  regular: require.resolve(`${PKG}/400Regular/NotoSerif_400Regular.ttf`),
  bold: require.resolve(`${PKG}/700Bold/NotoSerif_700Bold.ttf`),
  italic: require.resolve(`${PKG}/400Regular_Italic/NotoSerif_400Regular_Italic.ttf`),
  boldItalic: require.resolve(`${PKG}/700Bold_Italic/NotoSerif_700Bold_Italic.ttf`),
} as const;

export type FontStyle = keyof typeof FONTS;

export function fontFor(bold: boolean | undefined, italic: boolean | undefined): FontStyle {
  if (bold && italic) return 'boldItalic';
  if (bold) return 'bold';
  if (italic) return 'italic';
  return 'regular';
}
