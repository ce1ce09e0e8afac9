import { fileURLToPath } from 'node:url'

/**
 * The package's root folder (where package.json, `checklists/` and `demo/` are).
 * This module sits one level down in both layouts: `src/package-root.ts` in
 * development, and a chunk of the bundle in `dist/` once built (`dist/` is flat).
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url))
