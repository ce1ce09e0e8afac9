/**
 * What the kinds' parameter schemas are built with: zod, RE2 (re2js) for the
 * patterns of `matches=` and `output=`, semver for version ranges. Imported only
 * when a schema is first needed (params.ts), never for the wizard's first frame:
 * together they cost ~25 ms of CPU to load, and a checklist read from the parse
 * cache needs no schema until a check runs.
 *
 * zod's functions are named one by one rather than handed on as its namespace:
 * a namespace passed around as a value keeps every part of zod in the bundle
 * (470 kB), these keep only what they use. The kinds see exactly this set
 * (params.ts types `z` by it), so one that needs another function adds it here.
 */
import { RE2JS } from 're2js'
import semver from 'semver'
import { array, NEVER, object, safeParse, string, union } from 'zod'

export const z = { array, NEVER, object, safeParse, string, union }

export { RE2JS, semver }
