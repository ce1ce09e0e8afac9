/**
 * chalk's own colour support (chalk/source/vendor/supports-color, which chalk keeps private):
 * named in tsconfig.json's `paths`, typed here as much as ink-codes.ts reads of it.
 */
declare module 'chalk-supports-color' {
  interface ColorSupport {
    readonly level: 0 | 1 | 2 | 3
  }
  const supportsColor: {
    readonly stdout: ColorSupport | false
    readonly stderr: ColorSupport | false
  }
  export default supportsColor
}
