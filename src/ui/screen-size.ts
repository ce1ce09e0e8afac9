/**
 * The smallest terminal the wizard draws its screens in: a list of three rows under the
 * header. Smaller, App and the Wizard say so on one line instead (TooSmall in wizard.tsx), and
 * nothing is painted before Ink loads (first-paint/). A .ts module of its own, so that the first
 * paint knows it without loading Ink.
 */
export const MIN_COLUMNS = 40
export const MIN_ROWS = 14
