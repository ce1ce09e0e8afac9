/**
 * What SQL `pg.query` runs: one statement that only reads. A checklist's SQL
 * runs without the trust `command` needs, so it must not be able to do more
 * than read, and a READ ONLY transaction alone does not see to that: COPY … TO
 * PROGRAM runs a program on the database host and COPY … TO '/path' writes a
 * file there, and functions such as lo_export, pg_terminate_backend, set_config,
 * pg_notify, pg_advisory_lock or dblink_exec act outside the transaction.
 *
 * So the statement must be a SELECT, WITH … SELECT, VALUES, TABLE, SHOW or
 * EXPLAIN (without ANALYZE); INSERT, UPDATE, DELETE, MERGE, COPY, SELECT … INTO
 * and FOR UPDATE/SHARE appear nowhere in it (a data-modifying WITH included);
 * and it calls none of the functions below, PostgreSQL's own and common
 * extensions' that reach outside the transaction. Functions defined in the
 * database itself are not known here: they still run read-only.
 *
 * The rule looks at the SQL's code only: string literals, quoted names and
 * comments are skipped as PostgreSQL skips them (see sql-lexer.ts), so
 * `where note = 'copy'` is a read, and no comment or quote trick hides a COPY.
 */
import { lex, significant, type Token } from './sql-lexer.ts'

/** Why a statement is refused, and what to do instead. */
export interface SqlRefusal {
  readonly message: string
  readonly hint: string
}

const READ_STATEMENTS = 'SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN'
const ONE_READ = `pg.query runs one read statement: ${READ_STATEMENTS}`
const NEEDS_TRUST =
  'pg.query runs without trust, so it only reads; a check that must do more is a `command` check, which runs once the checklist is trusted'
const QUOTE_A_NAME = 'if it is a column or table name, quote it: "copy"'

interface RefusedFunctions {
  /** Finishes "lo_export() is refused: it …". */
  readonly reason: string
  readonly names?: readonly string[]
  readonly prefixes?: readonly string[]
  /** Any function in these schemas (extensions that reach other systems). */
  readonly schemas?: readonly string[]
}

/** Functions with effects outside the transaction, or that read the server's files. */
const REFUSED_FUNCTIONS: readonly RefusedFunctions[] = [
  {
    reason: "reads or writes files on the database server's disk",
    names: ['pg_read_file', 'pg_read_binary_file', 'pg_stat_file', 'pg_logdir_ls'],
    prefixes: ['pg_ls_', 'pg_file_'],
  },
  {
    reason: "handles large objects, whose lo_import and lo_export reach the server's disk",
    names: ['loread', 'lowrite'],
    prefixes: ['lo_'],
  },
  {
    reason: 'signals or stops server processes',
    names: [
      'pg_cancel_backend',
      'pg_terminate_backend',
      'pg_reload_conf',
      'pg_rotate_logfile',
      'pg_rotate_logfile_old',
      'pg_log_backend_memory_contexts',
      'pg_promote',
    ],
  },
  { reason: "changes settings, the check's time limit among them", names: ['set_config'] },
  { reason: 'sends notifications to other sessions', names: ['pg_notify'] },
  {
    reason: 'takes advisory locks, which can outlive the check',
    prefixes: ['pg_advisory_', 'pg_try_advisory_'],
  },
  { reason: 'changes a sequence, whatever the transaction does', names: ['nextval', 'setval'] },
  {
    reason: 'connects to other servers or services',
    names: ['http', 'query_export_to_s3', 'table_import_from_s3'],
    prefixes: ['dblink', 'postgres_fdw_', 'http_'],
    schemas: ['aws_s3', 'aws_lambda', 'aws_sagemaker', 'aws_comprehend', 'aws_bedrock', 'net'],
  },
  { reason: 'schedules jobs', schemas: ['cron'] },
  {
    reason: 'runs SQL given to it as text, which pg.query cannot check',
    names: [
      'query_to_xml',
      'query_to_xmlschema',
      'query_to_xml_and_xmlschema',
      'ts_stat',
      'ts_rewrite',
      'crosstab',
      'crosstab2',
      'crosstab3',
      'crosstab4',
      'connectby',
    ],
    prefixes: ['pg_background_'],
  },
  {
    reason: 'manages replication or the write-ahead log',
    names: [
      'pg_switch_wal',
      'pg_switch_xlog',
      'pg_create_restore_point',
      'pg_start_backup',
      'pg_stop_backup',
      'pg_backup_start',
      'pg_backup_stop',
      'pg_create_physical_replication_slot',
      'pg_create_logical_replication_slot',
      'pg_drop_replication_slot',
      'pg_copy_physical_replication_slot',
      'pg_copy_logical_replication_slot',
      'pg_replication_slot_advance',
      'pg_sync_replication_slots',
    ],
    prefixes: ['pg_logical_', 'pg_replication_origin_', 'pg_wal_replay_', 'pg_xlog_replay_'],
  },
  { reason: 'resets statistics', prefixes: ['pg_stat_reset', 'pg_stat_statements_reset'] },
  {
    reason: 'changes indexes or tables outside the transaction',
    names: [
      'brin_summarize_new_values',
      'brin_summarize_range',
      'brin_desummarize_range',
      'gin_clean_pending_list',
      'pg_truncate_visibility_map',
    ],
  },
]

/** Why `name` (called as `schema.name(…)` when `schema` is given) is refused, if it is. */
export function refusedFunction(name: string, schema: string | undefined): string | undefined {
  const lower = name.toLowerCase()
  const inSchema = schema?.toLowerCase()
  for (const group of REFUSED_FUNCTIONS) {
    if (
      group.names?.includes(lower) ||
      group.prefixes?.some((prefix) => lower.startsWith(prefix)) ||
      (inSchema !== undefined && group.schemas?.includes(inSchema))
    ) {
      return group.reason
    }
  }
  return undefined
}

/**
 * Why `sql` is not one read statement pg.query may run, or undefined when it
 * is. `values` is how many `$n` parameters have a value bound to them.
 */
export function readOnlyRefusal(sql: string, values: number): SqlRefusal | undefined {
  const lexed = lex(sql)
  if (lexed.unterminated) {
    return {
      message: `the sql has an unterminated ${lexed.unterminated.what}`,
      hint: 'close it: pg.query reads the sql as PostgreSQL does',
    }
  }
  const tokens = significant(lexed.tokens)
  while (isSymbol(tokens.at(-1), ';')) tokens.pop()
  if (tokens.length === 0) return { message: 'the sql is empty', hint: ONE_READ }
  if (tokens.some((t) => isSymbol(t, ';'))) {
    return { message: 'pg.query runs one statement; the sql holds several', hint: ONE_READ }
  }
  return (
    statementRefusal(tokens) ??
    keywordRefusal(tokens) ??
    functionRefusal(tokens) ??
    parameterRefusal(tokens, values)
  )
}

/** The statement must be a read: what it starts with, after any opening parentheses. */
function statementRefusal(tokens: readonly Token[]): SqlRefusal | undefined {
  let at = 0
  while (isSymbol(tokens[at], '(')) at++
  const first = tokens[at]
  const word = first?.type === 'word' ? first.value : undefined
  if (word === 'select' || word === 'with' || word === 'values' || word === 'table') return
  if (word === 'show') {
    return tokens.some((t) => t.type === 'parameter')
      ? {
          message: 'SHOW takes no ${…} values',
          hint: "read a setting named by a value with select current_setting('${…}')",
        }
      : undefined
  }
  if (word === 'explain') return explainRefusal(tokens.slice(at + 1))
  if (word === 'copy') return copyRefusal()
  const what = word ? word.toUpperCase() : first ? `'${first.value}'` : 'nothing'
  return {
    message: `pg.query runs one read statement (${READ_STATEMENTS}); this one starts with ${what}`,
    hint: NEEDS_TRUST,
  }
}

/** EXPLAIN shows a plan; with ANALYZE it runs the statement, so that is refused. */
function explainRefusal(rest: readonly Token[]): SqlRefusal | undefined {
  let at = 0
  const options: string[] = []
  const next = rest[1]
  const isParenthesisedQuery =
    next?.type === 'word' && ['select', 'with', 'values', 'table'].includes(next.value)
  if (isSymbol(rest[0], '(') && !isParenthesisedQuery) {
    at = 1
    while (at < rest.length && !isSymbol(rest[at], ')')) {
      const token = rest[at] as Token
      if (token.type === 'word') options.push(token.value)
      at++
    }
    at++
  } else {
    while (
      rest[at]?.type === 'word' &&
      ['analyze', 'analyse', 'verbose'].includes(rest[at]?.value ?? '')
    ) {
      options.push(rest[at]?.value ?? '')
      at++
    }
  }
  if (options.includes('analyze') || options.includes('analyse')) {
    return {
      message: 'EXPLAIN ANALYZE is refused: it runs the statement it explains',
      hint: 'EXPLAIN without ANALYZE shows the plan; or run the query itself',
    }
  }
  const inner = rest.slice(at)
  const refusal = statementRefusal(inner)
  if (refusal) return refusal
  const first = inner.find((t) => !isSymbol(t, '('))
  if (first?.type === 'word' && (first.value === 'show' || first.value === 'explain')) {
    return { message: `EXPLAIN ${first.value.toUpperCase()} is not a statement`, hint: ONE_READ }
  }
  return undefined
}

function copyRefusal(): SqlRefusal {
  return {
    message:
      'COPY is refused: it writes files and runs programs on the database server, even in a read-only transaction',
    hint: `${ONE_READ}; ${QUOTE_A_NAME}`,
  }
}

/** Words that make a read statement write, lock or create. */
function keywordRefusal(tokens: readonly Token[]): SqlRefusal | undefined {
  for (const [i, token] of tokens.entries()) {
    if (token.type !== 'word') continue
    const next = tokens[i + 1]
    switch (token.value) {
      case 'copy':
        return copyRefusal()
      case 'for':
        if (next?.type === 'word' && ['update', 'share', 'key', 'no'].includes(next.value)) {
          return {
            message: 'SELECT … FOR UPDATE or FOR SHARE is refused: it locks rows',
            hint: 'pg.query only reads: leave out the FOR … clause',
          }
        }
        break
      case 'into':
        return {
          message: 'SELECT … INTO is refused: it creates a table',
          hint: 'pg.query only reads: leave out INTO …',
        }
      case 'insert':
      case 'update':
      case 'delete':
      case 'merge':
        return {
          message: `${token.value.toUpperCase()} is refused: pg.query only reads (a data-modifying WITH too)`,
          hint: `${NEEDS_TRUST}; ${QUOTE_A_NAME.replace('copy', token.value)}`,
        }
    }
  }
  return undefined
}

/** A call of a refused function: `name(`, `schema.name(`, `"name"(`, comments between or not. */
function functionRefusal(tokens: readonly Token[]): SqlRefusal | undefined {
  for (const [i, token] of tokens.entries()) {
    if (token.type !== 'word' && token.type !== 'quoted-name') continue
    if (!isSymbol(tokens[i + 1], '(')) continue
    if (token.unicode) {
      return {
        message: 'a U&"…" name called as a function is refused: its escapes could spell any name',
        hint: 'write the function name plainly',
      }
    }
    const qualifier = isSymbol(tokens[i - 1], '.') ? tokens[i - 2] : undefined
    const schema =
      qualifier?.type === 'word' || qualifier?.type === 'quoted-name' ? qualifier.value : undefined
    const reason = refusedFunction(token.value, schema)
    if (reason) {
      const name = schema ? `${schema}.${token.value}` : token.value
      return { message: `${name}() is refused: it ${reason}`, hint: NEEDS_TRUST }
    }
  }
  return undefined
}

/** `$n` stands only for the values bound from `${…}` references. */
function parameterRefusal(tokens: readonly Token[], values: number): SqlRefusal | undefined {
  for (const token of tokens) {
    if (token.type !== 'parameter') continue
    const n = Number(token.value)
    if (n < 1 || n > values) return noValueFor(token.value)
  }
  return undefined
}

/** A `$n` the checklist wrote itself: values come from `${…}` references only. */
export function noValueFor(n: string): SqlRefusal {
  return {
    message: `$${n} has no value: pg.query has no parameters of its own`,
    hint: 'write a ${…} reference where a value goes; it is bound as a parameter',
  }
}

function isSymbol(token: Token | undefined, symbol: string): boolean {
  return token?.type === 'symbol' && token.value === symbol
}
