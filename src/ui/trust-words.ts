/**
 * The words of the trust question asked as a run opens (App's trust screen, app.tsx), in a
 * .ts module so that the frame painted before Ink loads (first-paint/trust-screen.ts) says the
 * same words App's TrustPrompt says.
 */
export const TRUST_QUESTION_WORDS = {
  title: 'This checklist runs shell commands. Trust it on this machine?',
  note: 'Trusting is recorded with the file’s sha256: any change to it asks again.',
  yes: 'trust it and run them',
  no: 'not now (they stay manual; r on one asks again)',
} as const
