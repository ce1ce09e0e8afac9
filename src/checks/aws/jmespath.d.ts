/** The part of `jmespath` (jmespath.js, CommonJS without types of its own) the `aws` kind uses. */
declare module 'jmespath' {
  /** The value `expression` selects in `data`; throws on an expression that is not JMESPath. */
  export function search(data: unknown, expression: string): unknown
}
