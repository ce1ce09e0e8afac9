/**
 * Exit codes more than one command uses, in a module of their own: `run` reads
 * them without loading `check` and the check engine before its first frame.
 */

/** Cancelled: Ctrl-C, SIGTERM, Esc at a question before anything started (128 + SIGINT). */
export const EXIT_CANCELLED = 130
