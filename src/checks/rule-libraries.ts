/**
 * What some kinds' rules are worked out with, past their declarations: an `aws`
 * call read from its text (aws/cli-call.ts, with every service's read
 * operations), a `pg.query`'s SQL lexed (postgres/sql-template.ts), where
 * PostgreSQL is (postgres/settings.ts). Loaded only where those rules are asked
 * (rules.ts says how): `validate`, the checks, `iam-policy`; the wizard's first
 * screen asks none, and draws sooner without them.
 */
export { iamActionOf, parseCall, parseCallLine, parseCallTemplate } from './aws/cli-call.ts'
export { serviceOf as postgresService } from './postgres/settings.ts'
export { sqlTemplateRefusal } from './postgres/sql-template.ts'
export { splitWords } from './words.ts'
