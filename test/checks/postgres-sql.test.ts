/**
 * pg.query's reading of SQL, without a server: what counts as code (lexer), the
 * read-only rule, and where `${…}` values are bound. The server-side proof that
 * refused statements would have acted, and that bound values stay values, is in
 * postgres.test.ts; here are the cases a directive cannot easily spell, such as
 * a `--` comment ended by a newline.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseTemplate } from '../../src/checklist/variables.ts'
import { readOnlyRefusal } from '../../src/checks/postgres/read-only.ts'
import { lex, significant } from '../../src/checks/postgres/sql-lexer.ts'
import {
  castParameter,
  resolveSqlTemplate,
  sqlTemplateRefusal,
} from '../../src/checks/postgres/sql-template.ts'

const refusal = (sql: string, values = 0) => readOnlyRefusal(sql, values)?.message

describe('the SQL lexer', () => {
  it('tells code from strings, names and comments as PostgreSQL does', () => {
    const sql = `select E'a\\'b', 'c''d', $q$ e $q$, "f""g", U&"h" /* /* i */ */ -- j\n$1`
    const tokens = significant(lex(sql).tokens).map((t) => [t.type, t.value])
    assert.deepEqual(tokens, [
      ['word', 'select'],
      ['string', "E'a\\'b'"],
      ['symbol', ','],
      ['string', "'c''d'"],
      ['symbol', ','],
      ['string', '$q$ e $q$'],
      ['symbol', ','],
      ['quoted-name', 'f"g'],
      ['symbol', ','],
      ['quoted-name', 'h'],
      ['parameter', '1'],
    ])
  })

  it('reads a $ inside a name as part of it, not as a dollar quote', () => {
    const tokens = significant(lex('select a$$b, $$c$$').tokens).map((t) => t.text)
    assert.deepEqual(tokens, ['select', 'a$$b', ',', '$$c$$'])
  })

  it('says what is left open', () => {
    assert.deepEqual(lex("select 'a").unterminated, { what: "'…' string", start: 7 })
    assert.deepEqual(lex('select /* /* */').unterminated, { what: '/* comment', start: 7 })
    assert.deepEqual(lex('select $x$ a').unterminated, { what: '$x$…$x$ string', start: 7 })
  })
})

describe('the read-only rule', () => {
  it('sees a statement a line comment ends before', () => {
    assert.equal(
      refusal("select 1 --\n; copy (select 1) to program 'x'"),
      'pg.query runs one statement; the sql holds several',
    )
    assert.equal(refusal("select 1 -- ; copy (select 1) to program 'x'"), undefined)
  })

  it('sees code after an E string whose backslash escapes a quote, and not inside one', () => {
    assert.match(refusal("select E'\\'', 1; copy t to '/tmp/x'") ?? '', /holds several/)
    assert.equal(refusal("select E'\\' ; copy t to ''/tmp/x'' --'"), undefined)
    // A plain string has no backslash escapes (standard_conforming_strings is on).
    assert.match(refusal("select '\\'; copy t to '/tmp/x' --'") ?? '', /holds several/)
  })

  it('counts nested block comments as PostgreSQL does', () => {
    assert.equal(refusal("select 1 /* /* */ ; copy t to program 'x' */"), undefined)
    assert.match(refusal("select 1 /* /* */ */ ; copy t to program 'x'") ?? '', /holds several/)
  })

  it('finds a refused function however it is written', () => {
    for (const call of [
      "lo_export(1, '/tmp/x')",
      "LO_EXPORT(1, '/tmp/x')",
      "pg_catalog.lo_export(1, '/tmp/x')",
      `"lo_export"(1, '/tmp/x')`,
      `pg_catalog . "lo_export" /* … */ (1, '/tmp/x')`,
    ]) {
      assert.match(refusal(`select ${call}`) ?? '', /lo_export\(\) is refused/, call)
    }
    assert.match(refusal(`select U&"lo\\005fexport"(1, 'x')`) ?? '', /U&"…" name called/)
    assert.match(refusal("select aws_lambda.invoke('f', '{}')") ?? '', /aws_lambda\.invoke\(\)/)
    assert.equal(refusal('select lo_export from t'), undefined, 'a column of that name is fine')
  })

  it('takes $n only for bound values', () => {
    assert.equal(refusal('select $1', 1), undefined)
    assert.match(refusal('select $2', 1) ?? '', /^\$2 has no value/)
  })
})

describe('${…} in SQL', () => {
  const values: Record<string, string> = { A: "x' or '1'='1", B: 'b"c', N: '7' }
  const bind = (template: string) =>
    resolveSqlTemplate(parseTemplate(template), (ref) =>
      ref.type === 'process-env' ? values[ref.name] : undefined,
    )

  it('binds each string, bare value or dollar-quoted body as one parameter', () => {
    const bound = bind(
      "select * from t where a = 'it''s ${env:A}' and n < ${env:N} and b = $q$<${env:A}>$q$",
    )
    assert.equal(bound.value, 'select * from t where a = $1 and n < $2 and b = $3')
    assert.deepEqual(bound.values, ["it's x' or '1'='1", '7', "<x' or '1'='1>"])
  })

  it('writes a value into a quoted name with its quotes doubled', () => {
    const bound = bind('select count(*) from "${env:B}_log"')
    assert.equal(bound.value, 'select count(*) from "b""c_log"')
    assert.deepEqual(bound.values, [])
  })

  it('drops a value in a comment, leaving the comment a comment', () => {
    assert.equal(bind('select 1 /* *${env:A}/ */').value, 'select 1 /* * / */')
    assert.equal(bind('select 1 -- ${env:A}').value, 'select 1 --  ')
  })

  it('does not let a reference join two characters into a comment or a quote', () => {
    assert.equal(bind('select 1 -${env:N}- 2').value, 'select 1 -$1- 2')
    assert.match(bind("select 'a'${env:N}'b'").refusal?.message ?? '', /joined to a string/)
  })

  it('refuses a reference joined to a name, or in a typed literal', () => {
    assert.match(bind('select id${env:N}').refusal?.message ?? '', /joined to the SQL word/)
    assert.match(bind('select ${env:N}1').refusal?.message ?? '', /joined to the SQL word/)
    assert.match(bind('select x.${env:N}').refusal?.message ?? '', /stands where a name goes/)
    assert.match(
      bind("select timestamp with time zone '${env:N}'").refusal?.message ?? '',
      /typed literal \(timestamp with time zone '…'\)/,
    )
    assert.equal(bind("select now() at time zone '${env:N}'").refusal, undefined)
    assert.equal(bind("select 1 where a like '${env:N}%'").refusal, undefined)
  })

  it('refuses a quoted name with a NUL character in its value', () => {
    const bound = resolveSqlTemplate(parseTemplate('select "${env:X}"'), () => 'a\0b')
    assert.match(bound.refusal?.message ?? '', /NUL character/)
  })

  it('checks the statement at validate with the references standing for values', () => {
    assert.equal(sqlTemplateRefusal(parseTemplate("select '${x}', ${y}")), undefined)
    assert.match(
      sqlTemplateRefusal(parseTemplate("copy (select '${x}') to '/tmp/x'"))?.message ?? '',
      /^COPY is refused/,
    )
  })

  it('casts one parameter to text when PostgreSQL cannot tell its type', () => {
    assert.equal(
      castParameter("select format('%s', $1, $10)", 1),
      "select format('%s', $1::text, $10)",
    )
  })
})
