/**
 * Where each `${…}` reference lands in a `command` check's shell text, read as
 * dash, bash and zsh all read it, and what the shell will do with its value.
 *
 * A value reaches the shell in a variable of its own (see shell.ts), so the shell
 * never parses it as code where it is merely expanded: as a command's argument,
 * inside quotes, in a here-document. But bash and zsh (the `sh` of macOS,
 * Fedora, RHEL) read a variable's value as code in some places: as an arithmetic
 * expression (`$((…))`, `[[ … -eq … ]]`, `let`, array indexes, substring offsets,
 * integer variables, and in zsh `printf %d`, `exit`, `shift`…), as a variable
 * name (`read`, `printf -v`, `declare`, `test -v`, `${!x}`), or as code outright
 * (`eval`, `sh -c`, `source`, `trap`, prompts). This scanner finds each reference's
 * place, follows a value through the shell variables the text assigns it to, and
 * says for each reference:
 *   - how to write it where it lands (its quoting);
 *   - whether its value must be a plain decimal integer (an arithmetic place:
 *     a number cannot be code, anything else can);
 *   - or why it is refused: a place where the value would be code or a name, or
 *     one this scanner cannot read with confidence (it then says so rather than
 *     guess).
 * It is deliberately conservative: shell syntax it does not follow (backticks,
 * `$'…'`, zsh's `${(…)x}`, extended globs…) refuses the references in it, or every
 * reference after it.
 */
import type { TemplatePart } from '../checklist/variables.ts'

type RefPart = Extract<TemplatePart, { type: 'ref' }>

/**
 * How a reference is written where it lands: `none` unquoted ("$V"), `double`
 * inside "…" or a here-document (${V}), `single` inside '…' ('"$V"'), `bare` in
 * an arithmetic place (${V}: its value is a number), `comment` in a comment
 * (nothing at all).
 */
export type Quoting = 'none' | 'double' | 'single' | 'bare' | 'comment'

export interface Refusal {
  readonly message: string
  readonly hint: string
}

/** One reference in the shell text and what its value may be. */
export interface Site {
  readonly part: RefPart
  quoting: Quoting
  /** Written in parentheses: it is one operand of an arithmetic expression (1-(-5), not 1--5). */
  parens: boolean
  /** Where the value is used as a number (it must then be a plain decimal integer), or null. */
  number: string | null
  /** Why the reference cannot be used at all, or null. */
  refusal: Refusal | null
}

export interface ShellScan {
  /** The shell text to run: literal text, with a site wherever a value goes. */
  readonly pieces: readonly (string | Site)[]
  readonly sites: readonly Site[]
}

/** Where a reference lands in `parts` (the parsed `run=` template). */
export function scanShell(parts: readonly TemplatePart[]): ShellScan {
  const units = parts.flatMap((part): Unit[] => (part.type === 'text' ? [...part.text] : [part]))
  const first = new Lexer(units, new Set()).run()
  // A quoted here-document with a value in it is written as an unquoted one (see #heredocBody):
  // that needs to know, at its `<<'EOF'`, what comes lines later.
  if (first.quotedHeredocsWithValues.size === 0) return first
  return new Lexer(units, first.quotedHeredocsWithValues).run()
}

// ---------------------------------------------------------------------------------------------
// What the shells do with words, by command

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(' '))
}

/** Shells that run their `-c` argument as code. */
const SHELL =
  /^(?:.*\/)?(?:sh|bash|dash|zsh|ksh|ksh93|mksh|lksh|oksh|pdksh|ash|yash|posh|rbash|fish|csh|tcsh)[0-9.]*$/

/** Builtins whose arguments are only ever data, in dash, bash and zsh alike. */
const DATA_BUILTINS = words(
  ': true false echo pwd cd chdir pushd popd dirs umask ulimit limit unlimit kill type whence where which times jobs fg bg disown suspend',
)

/** Builtins whose arguments zsh evaluates as arithmetic (dash and bash want a plain number). */
const NUMBER_BUILTINS = words('exit return shift break continue logout bye')

/** Declaration builtins: `NAME=value` words assign, other words name variables. */
const DECLARATIONS = words('declare typeset local export readonly integer float private')

/** Builtins that run an argument as shell code. */
const CODE_BUILTINS: Readonly<Record<string, string>> = {
  eval: 'as an argument of eval, which runs it as shell code',
  source: 'as an argument of source, which runs the file it names as shell code',
  '.': 'as an argument of ., which runs the file it names as shell code',
  trap: 'as an argument of trap, which runs it as shell code',
  alias: 'as an argument of alias, which makes it shell code',
  fc: 'as an argument of fc, which runs shell code',
  emulate: 'as an argument of emulate, which can run it as shell code',
  sched: 'as an argument of sched, which runs it as shell code',
  zstyle: 'as an argument of zstyle, whose -e runs shell code',
  compgen: 'as an argument of compgen, which expands its word list as shell code',
  complete: 'as an argument of complete, which runs shell code',
  bind: 'as an argument of bind, which runs shell code',
}

/** Builtins whose arguments name variables (bash and zsh evaluate an index in a name as arithmetic). */
const NAME_BUILTINS = words(
  'read mapfile readarray getopts unset vared getln wait zparseopts zformat zregexparse print set hash',
)

/** Every builtin and reserved word of dash 0.5, bash 5 and zsh 5: a name not here is a program. */
const BUILTINS = new Set([
  ...DATA_BUILTINS,
  ...NUMBER_BUILTINS,
  ...DECLARATIONS,
  ...Object.keys(CODE_BUILTINS),
  ...NAME_BUILTINS,
  ...words(
    '[ test printf let command builtin exec noglob nocorrect - time enable caller help history shopt compopt autoload bindkey comparguments compcall compctl compdescribe compfiles compgroups compquote compset comptags comptry compvalues compadd disable echotc echoti functions pushln r rehash setopt unsetopt ttyctl unalias unfunction unhash zcompile zle zmodload coproc',
  ),
])

/** `test`/`[`/`[[` operators whose operands are numbers (bash's and zsh's `[[` evaluate them). */
const ARITH_TEST_OPS = words('-eq -ne -lt -le -gt -ge')

/**
 * Variables the shells keep as integers (so an assignment evaluates its value), from bash 5
 * and zsh 5's special parameters.
 */
const INTEGER_VARIABLES = words(
  'RANDOM SRANDOM OPTIND LINENO HISTCMD BASHPID EUID UID PPID SECONDS COLUMNS LINES HISTSIZE HISTFILESIZE ERRNO GID EGID SAVEHIST TTYIDLE ZSH_SUBSHELL SHLVL FUNCNEST TRY_BLOCK_ERROR TRY_BLOCK_INTERRUPT KEYTIMEOUT LISTMAX MAILCHECK TMOUT PERIOD DIRSTACKSIZE ARGC status',
)

/** Variables whose value the shell later runs or expands as code (prompts, start-up files). */
const CODE_VARIABLES = words(
  'PS1 PS2 PS3 PS4 PROMPT PROMPT2 PROMPT3 PROMPT4 RPROMPT RPROMPT2 RPS1 RPS2 SPROMPT PROMPT_COMMAND ENV BASH_ENV',
)

/** Files that are a program's standard input. */
const STDIN_FILES = /^(-|\/dev\/stdin|\/dev\/fd\/0|\/proc\/self\/fd\/0)$/

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const NAME_START = /[A-Za-z_]/
const NAME_CHAR = /[A-Za-z0-9_]/

const HINTS = {
  code: 'run the program directly: a value passed as one of its arguments reaches it as one literal word (to give a value to sh -c, pass it after the command text: sh -c \'… "$1" …\' sh "${…}")',
  name: 'a value cannot name a variable; assign it instead: NAME="${…}"',
  builtin:
    'give this builtin only arguments written in the checklist, or compare the value as a string (test "${…}" = expected)',
  backtick: 'use $(…) instead of `…`',
  ansiC: "use '…' or \"…\" instead of $'…'",
  escaped:
    'a backslash right before a reference would escape it: write \\\\ for a literal backslash before the value, or $${ for a literal ${',
  portable:
    'dash has no such expansion; use a case pattern, sed or cut, which get the value as data',
  regex: 'compare with == (a quoted value matches itself) or a case pattern',
  unknownCommand:
    'write the name of the program in the checklist; a value may be the program itself only when the command has no other values',
  lost: 'simplify the command around it, or put the commands in a script that takes the value as an argument ("$1")',
  prompt: 'set it from text written in the checklist only',
  number:
    'compare it as a string instead (test "${…}" = 2), or print it and let the check\'s output= match it',
}

// ---------------------------------------------------------------------------------------------
// The scanner

/** What a word's value is made of: references and variables, directly or through command output. */
interface Flow {
  readonly sites: Set<Site>
  readonly sitesViaOutput: Set<Site>
  readonly vars: Set<string>
  readonly varsViaOutput: Set<string>
}

const newFlow = (): Flow => ({
  sites: new Set(),
  sitesViaOutput: new Set(),
  vars: new Set(),
  varsViaOutput: new Set(),
})

/** A boundary a value crosses: into a command's output (`$(…)`), or into a number (`$((…))`). */
type Collector = Flow | 'output' | 'arith'

interface Word {
  /** The text after quote removal, `\0` where an expansion is: exact only when `literal`. */
  text: string
  /** Nothing in it is expanded. */
  literal: boolean
  /** Some of it is quoted or escaped (so it is no reserved word). */
  quoted: boolean
  readonly flow: Flow
  /** `NAME=…`, `NAME+=…`, `NAME[…]=…`: the name assigned. */
  assign: string | null
  /** The index of `NAME[…]=`: a number. */
  readonly index: Flow
}

interface Sink {
  readonly flow: Flow
  /** `number`: only direct flow counts (a command's output is its own); `refuse`: any. */
  readonly kind: 'number' | 'refuse'
  readonly where: string
  readonly hint: string
}

interface Heredoc {
  readonly id: number
  readonly delimiter: string
  /** `<<-`: leading tabs are stripped from each line, the closing one included. */
  readonly strip: boolean
  readonly quoted: boolean
  /** Quoted, with a value: written as an unquoted here-document, its text escaped. */
  readonly rewrite: boolean
  /** Set when a shell reads this document as its commands: why. */
  code: string | null
  /** What is in it, values and variables: code when `code` is set. */
  readonly flow: Flow
}

/** A command's own here-documents and here-strings: its standard input. */
interface Input {
  readonly heredocs: Heredoc[]
  readonly herestrings: Flow[]
}

interface Frame {
  readonly heredocs: Heredoc[]
  /** Open `case`s: reading patterns, or a pattern's commands. */
  readonly cases: ('pattern' | 'body')[]
}

interface Assign {
  readonly name: string
  readonly flow: Flow
}

interface ScanResult extends ShellScan {
  readonly quotedHeredocsWithValues: ReadonlySet<number>
  /** What `$1`, `$@`… are used as (for `sh -c 'text' sh args`). */
  readonly positional: { number: string | null; refusal: string | null }
}

type Unit = string | RefPart

class Lexer {
  readonly #units: readonly Unit[]
  readonly #rewrite: ReadonlySet<number>
  #i = 0
  #end: number
  readonly #pieces: (string | Site)[] = []
  readonly #sites: Site[] = []
  readonly #sinks: Sink[] = []
  readonly #assigns: Assign[] = []
  readonly #typed = new Map<string, 'number' | 'name'>()
  readonly #calls: { readonly name: string; readonly flows: readonly Flow[] }[] = []
  readonly #functions = new Set<string>()
  readonly #aliases = new Set<string>()
  readonly #collectors: Collector[] = []
  readonly #words: Word[] = []
  readonly #frames: Frame[] = []
  readonly #quotedHeredocsWithValues = new Set<number>()
  #heredocCount = 0
  #lost: string | null = null
  /** Code run in this shell that this scanner cannot read (source, eval "$x"): why. */
  readonly #blind: string[] = []
  /** Variables `read` (and the like) set from standard input. */
  readonly #readNames = new Set<string>()
  /** The values in here-strings and here-documents: what `read` may read. */
  readonly #inputFlow = newFlow()
  /** `X=v command`: an assignment that counts only if the command is a builtin or function. */
  readonly #prefixAssigns: { readonly word: Word; readonly command: string }[] = []
  /** Consumed text is not written out (a here-document delimiter being rewritten). */
  #silent = false
  /** Consumed text is escaped for an unquoted here-document (a quoted one being rewritten). */
  #escaping = false

  constructor(units: readonly Unit[], rewrite: ReadonlySet<number>) {
    this.#units = units
    this.#rewrite = rewrite
    this.#end = units.length
  }

  run(): ScanResult {
    this.#list(null)
    return this.#finish()
  }

  /**
   * Shell code written in the checklist that the shell runs later (the text of `eval`, `trap`,
   * `alias`, a prompt) in this shell (`same`), or in a shell it starts (`child`, as `sh -c`):
   * what that code does with variables counts here. Its `$1`… are this shell's only when `same`.
   */
  #runsLater(text: string, where: 'same' | 'child'): ScanResult {
    const inner = new Lexer([...text], new Set())
    inner.#list(null)
    if (inner.#lost !== null) this.#blind.push(`${inner.#lost}, in code the command runs later`)
    this.#blind.push(...inner.#blind)
    for (const name of inner.#readNames) this.#readNames.add(name)
    if (where === 'same') {
      this.#assigns.push(...inner.#assigns)
      for (const [name, kind] of inner.#typed) this.#typed.set(name, kind)
      for (const name of inner.#functions) this.#functions.add(name)
      for (const name of inner.#aliases) this.#aliases.add(name)
      this.#calls.push(...inner.#calls)
      this.#sinks.push(...inner.#sinks)
    }
    const result = inner.#finish()
    if (where === 'child')
      // Its own variables may come from this shell's environment (export N=…; sh -c '$((N))').
      for (const sink of inner.#sinks) {
        const flow = newFlow()
        for (const name of sink.flow.vars) if (name !== '@') flow.vars.add(name)
        for (const name of sink.flow.varsViaOutput) if (name !== '@') flow.varsViaOutput.add(name)
        this.#sink(flow, sink.kind, `${sink.where}, in the text of sh -c`, sink.hint)
      }
    return result
  }

  // --- reading -------------------------------------------------------------------------------

  #eof(): boolean {
    return this.#lost !== null || this.#i >= this.#end
  }

  #ch(k = 0): string {
    const at = this.#i + k
    const unit = at < this.#end && this.#lost === null ? this.#units[at] : undefined
    return typeof unit === 'string' ? unit : ''
  }

  #isRef(k = 0): boolean {
    const at = this.#i + k
    return at < this.#end && this.#lost === null && typeof this.#units[at] === 'object'
  }

  /** The next `n` characters, up to a reference. */
  #ahead(n: number): string {
    let text = ''
    for (let k = 0; k < n; k++) {
      const c = this.#ch(k)
      if (!c) break
      text += c
    }
    return text
  }

  #take(): string {
    const c = this.#ch()
    if (!c) return ''
    this.#i++
    this.#write(c)
    return c
  }

  #takeN(n: number): void {
    for (let k = 0; k < n; k++) this.#take()
  }

  #write(text: string): void {
    if (this.#silent) return
    const written = this.#escaping ? text.replace(/[\\$`]/g, '\\$&') : text
    const last = this.#pieces.length - 1
    const previous = this.#pieces[last]
    if (typeof previous === 'string') this.#pieces[last] = previous + written
    else this.#pieces.push(written)
  }

  /** Consumes the reference here, written with `quoting`; its value flows into the open words. */
  #ref(quoting: Quoting, options: { parens?: boolean; flows?: boolean } = {}): Site {
    const part = this.#units[this.#i] as RefPart
    this.#i++
    const site: Site = {
      part,
      quoting,
      parens: options.parens ?? false,
      number: null,
      refusal: null,
    }
    this.#sites.push(site)
    this.#pieces.push(site)
    if (options.flows ?? true) this.#reach(site)
    const word = this.#words.at(-1)
    if (word) {
      word.literal = false
      word.text += '\0'
    }
    return site
  }

  /** A use of variable `name` here: its value flows into the open words. */
  #use(name: string): void {
    this.#reach(name)
  }

  #reach(item: Site | string): void {
    let viaOutput = false
    for (let k = this.#collectors.length - 1; k >= 0; k--) {
      const collector = this.#collectors[k]
      if (collector === 'arith') break
      if (collector === 'output') {
        viaOutput = true
        continue
      }
      if (collector === undefined) continue
      if (typeof item === 'string') (viaOutput ? collector.varsViaOutput : collector.vars).add(item)
      else (viaOutput ? collector.sitesViaOutput : collector.sites).add(item)
    }
  }

  #expansion(): void {
    const word = this.#words.at(-1)
    if (word) {
      word.literal = false
      word.text += '\0'
    }
  }

  #text(text: string): void {
    const word = this.#words.at(-1)
    if (word) word.text += text
  }

  #quoted(): void {
    const word = this.#words.at(-1)
    if (word) word.quoted = true
  }

  /** Stops reading: from here on, every reference is refused. */
  #lose(reason: string): void {
    if (this.#lost !== null) return
    this.#lost = reason
    const refusal: Refusal = {
      message: `is in shell text this tool cannot read with confidence (${reason})`,
      hint: HINTS.lost,
    }
    for (let at = this.#i; at < this.#units.length; at++) {
      const unit = this.#units[at]
      if (typeof unit === 'string') this.#write(unit)
      else if (unit) {
        const site: Site = { part: unit, quoting: 'none', parens: false, number: null, refusal }
        this.#sites.push(site)
        this.#pieces.push(site)
      }
    }
    this.#i = this.#units.length
  }

  #sink(flow: Flow, kind: Sink['kind'], where: string, hint: string = HINTS.builtin): void {
    this.#sinks.push({ flow, kind, where, hint })
  }

  /** A newline inside something: a here-document pending on the line would start here. */
  #newline(): void {
    if (this.#frames.some((frame) => frame.heredocs.length > 0))
      this.#lose('a line break inside quotes or $(…) before a here-document')
    else this.#take()
  }

  // --- command lists -------------------------------------------------------------------------

  /** Commands up to `close` (`)` of `$(…)` or `(…)`) or the end. */
  #list(close: ')' | null): void {
    const frame: Frame = { heredocs: [], cases: [] }
    this.#frames.push(frame)
    /** The next command reads the output of the one before (`|`). */
    let piped = false
    try {
      for (;;) {
        this.#blanks()
        if (this.#eof()) {
          if (close) this.#lose('a $( or ( that is not closed')
          return
        }
        const c = this.#isRef() ? '' : this.#ch()
        if (c === '\n') {
          if (this.#frames.slice(0, -1).some((outer) => outer.heredocs.length > 0)) {
            this.#lose('a line break inside $(…) before a here-document')
            return
          }
          this.#take()
          this.#heredocBodies(frame)
        } else if (c === '#') this.#comment()
        else if (c === ';' || c === '&' || c === '|') piped = this.#operator(frame)
        else if (frame.cases.at(-1) === 'pattern') this.#casePattern(frame)
        else if (c === ')') {
          if (close === ')') return
          this.#lose('a ) that closes nothing')
          return
        } else {
          this.#command(frame, piped)
          piped = false
        }
      }
    } finally {
      this.#frames.pop()
    }
  }

  #blanks(): void {
    for (;;) {
      const c = this.#ch()
      if (c === ' ' || c === '\t') this.#take()
      else if (c === '\\' && this.#ch(1) === '\n') this.#takeN(2)
      else return
    }
  }

  #comment(): void {
    while (!this.#eof() && this.#ch() !== '\n') {
      if (this.#isRef()) this.#ref('comment', { flows: false })
      else this.#take()
    }
  }

  /** `;`, `&&`, `|`…: true for a pipe. */
  #operator(frame: Frame): boolean {
    const two = this.#ahead(2)
    if (two === ';;' || two === ';&' || two === ';|') {
      this.#takeN(2)
      if (this.#ch() === '&') this.#take()
      if (frame.cases.at(-1) === 'body') frame.cases[frame.cases.length - 1] = 'pattern'
      else this.#lose(`${two} outside a case`)
      return false
    }
    if (two === '&&' || two === '||' || two === '|&') {
      this.#takeN(2)
      return two === '|&'
    }
    return this.#take() === '|'
  }

  /** One command: its words and redirections, then what its arguments are to it. */
  #command(frame: Frame, piped: boolean): void {
    const words: Word[] = []
    const input: Input = { heredocs: [], herestrings: [] }
    for (;;) {
      this.#blanks()
      if (this.#eof()) break
      if (!this.#isRef()) {
        const c = this.#ch()
        if (c === '\n' || c === ';' || c === '|' || c === ')' || c === '#') break
        if (c === '&' && this.#ch(1) !== '>') break
        if (c === '(') {
          if (words.length > 0) {
            const name = words[0]
            if (words.length === 1 && name?.literal && !name.quoted && this.#functionParens()) {
              this.#functions.add(name.text)
              return
            }
            this.#lose('a ( inside a command (an extended glob or zsh qualifier?)')
            return
          }
          if (this.#ch(1) === '(') {
            this.#takeN(2)
            this.#arith('))', 'in ((…))', true)
          } else {
            this.#take()
            this.#list(')')
            this.#take()
          }
          continue
        }
        if (this.#redirection(frame, input)) continue
      }
      const word = this.#word('command')
      if (words.length === 0 && word.literal && !word.quoted) {
        const keyword = word.text
        if (['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{'].includes(keyword))
          continue
        if (['fi', 'done', '}', 'end'].includes(keyword)) continue
        if (keyword === 'esac') {
          if (frame.cases.length > 0) frame.cases.pop()
          else this.#lose('esac outside a case')
          continue
        }
        if (keyword === 'case') {
          this.#caseHead(frame)
          return
        }
        if (keyword === 'for' || keyword === 'select') {
          this.#forHead(keyword)
          return
        }
        if (keyword === '[[') {
          this.#conditional()
          return
        }
        if (keyword === 'function') {
          this.#functionHead()
          return
        }
        if (keyword === 'repeat') {
          this.#blanks()
          const count = this.#word('command')
          this.#sink(count.flow, 'number', 'as the count of repeat', HINTS.number)
          continue
        }
        if (['in', 'coproc', 'foreach', 'always', ']]'].includes(keyword)) {
          this.#lose(`'${keyword}' where a command was expected`)
          return
        }
      }
      words.push(word)
    }
    const stdin = this.#classify(words)
    if (stdin === null) return
    // A shell reading its commands from standard input: its here-documents and here-strings,
    // and all that a pipe could bring it, are code.
    for (const flow of input.herestrings) this.#sink(flow, 'refuse', stdin, HINTS.code)
    for (const heredoc of input.heredocs) heredoc.code ??= stdin
    if (!piped) return
    for (const site of this.#sites)
      site.refusal ??= {
        message: `comes before a pipe into a shell that runs what it reads as code (${stdin})`,
        hint: HINTS.code,
      }
    for (const pending of this.#frames.flatMap((f) => f.heredocs)) pending.code ??= stdin
  }

  /** `name ()`: a function definition. */
  #functionParens(): boolean {
    const ahead = this.#ahead(20)
    const match = /^\(\s*\)/.exec(ahead)
    if (!match) return false
    this.#takeN(match[0].length)
    return true
  }

  #functionHead(): void {
    this.#blanks()
    const name = this.#word('command')
    if (!name.literal) {
      this.#lose('a function whose name is not written out')
      return
    }
    this.#functions.add(name.text)
    this.#blanks()
    this.#functionParens()
  }

  /** A redirection at this point, if there is one: its target word is data; `<<` opens a here-document. */
  #redirection(frame: Frame, input: Input): boolean {
    const match = /^(\d*|\{[A-Za-z_][A-Za-z0-9_]*\})(<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)/.exec(
      this.#ahead(40),
    )
    if (!match) return false
    const [all, fd = '', op = ''] = match
    if ((op === '<' || op === '>') && this.#ch(all.length) === '(') {
      if (fd) {
        this.#lose('a process substitution after a file descriptor')
        return true
      }
      return false // <(…): a word
    }
    this.#takeN(all.length)
    if (op === '<<' || op === '<<-') {
      this.#heredocHead(frame, input, op === '<<-')
      return true
    }
    this.#blanks()
    if (this.#eof()) return true
    const target = this.#word('command')
    if (op === '<<<') {
      input.herestrings.push(target.flow)
      mergeFlow(this.#inputFlow, target.flow)
    }
    return true
  }

  // --- words ---------------------------------------------------------------------------------

  /** One word, up to a blank or operator: quotes, escapes, expansions and references in it. */
  #word(context: 'command' | 'conditional' | 'pattern' | 'element'): Word {
    const word: Word = {
      text: '',
      literal: true,
      quoted: false,
      flow: newFlow(),
      assign: null,
      index: newFlow(),
    }
    this.#words.push(word)
    this.#collectors.push(word.flow)
    const start = this.#i
    /** Only unquoted name characters so far: `=` or `[` may still make an assignment. */
    let plain = true
    try {
      for (;;) {
        if (this.#eof()) break
        if (this.#isRef()) {
          plain = false
          this.#ref('none')
          continue
        }
        const c = this.#ch()
        if (c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|') break
        if (c === ')') break
        if (c === '<' || c === '>') {
          if (this.#ch(1) !== '(' || context === 'conditional') break
          this.#processSubstitution()
          plain = false
          continue
        }
        if (c === '(') {
          const assigned = word.assign !== null && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(word.text)
          if (assigned && context === 'command') {
            this.#array(word)
            break
          }
          // `name()`: a function definition, for #command.
          if (word.literal && !word.quoted && /^\(\s*\)/.test(this.#ahead(20))) break
          this.#lose('a ( inside a word (an extended glob or zsh qualifier?)')
          break
        }
        if (c === "'") {
          plain = false
          this.#single()
        } else if (c === '"') {
          plain = false
          this.#double()
        } else if (c === '\\') {
          plain = false
          this.#escape()
        } else if (c === '$') {
          plain = false
          this.#dollar('none')
        } else if (c === '`') {
          plain = false
          this.#backtick()
        } else if (c === '=' && plain && word.assign === null && NAME.test(word.text)) {
          word.assign = word.text
          this.#take()
          word.text += '='
          plain = false
        } else if (c === '+' && this.#ch(1) === '=' && plain && NAME.test(word.text)) {
          word.assign = word.text
          this.#takeN(2)
          word.text += '+='
          plain = false
        } else if (
          c === '[' &&
          plain &&
          word.assign === null &&
          (NAME.test(word.text) || (context === 'element' && word.text === ''))
        ) {
          plain = this.#index(word)
        } else {
          this.#take()
          word.text += c
          if (!NAME_CHAR.test(c)) plain = false
        }
      }
    } finally {
      this.#collectors.pop()
      this.#words.pop()
    }
    if (this.#i === start && !this.#eof()) this.#lose(`an unexpected ${this.#ch() || 'value'}`)
    return word
  }

  /** `NAME[…]` in a word: an array index when `=` follows (an assignment), else glob text. */
  #index(word: Word): boolean {
    const name = word.text
    this.#take()
    word.text += '['
    this.#collectors.push(word.index)
    let depth = 0
    try {
      for (;;) {
        if (this.#eof()) {
          this.#lose('a [ that is not closed')
          return false
        }
        if (this.#isRef()) {
          this.#ref('none')
          continue
        }
        const c = this.#ch()
        if (c === ']' && depth === 0) break
        if (c === ' ' || c === '\t' || c === '\n') {
          this.#lose('a blank inside NAME[…]')
          return false
        }
        if (c === '[') depth++
        if (c === ']') depth--
        if (c === "'") this.#single()
        else if (c === '"') this.#double()
        else if (c === '\\') this.#escape()
        else if (c === '$') this.#dollar('none')
        else if (c === '`') this.#backtick()
        else {
          this.#take()
          word.text += c
        }
      }
    } finally {
      this.#collectors.pop()
    }
    this.#take()
    word.text += ']'
    if (this.#ch() === '=' || (this.#ch() === '+' && this.#ch(1) === '=')) {
      word.assign = name
      this.#sink(word.index, 'number', 'as an array index', HINTS.number)
      if (this.#ch() === '+') this.#take()
      this.#take()
      word.text += '='
    }
    // Otherwise it was glob text: what is in it already flows into the word.
    return false
  }

  /** `NAME=(…)`: an array's elements; `[index]=value` elements' indexes are numbers. */
  #array(word: Word): void {
    this.#take()
    word.literal = false
    for (;;) {
      while (/^[ \t\n]$/.test(this.#ch())) {
        if (this.#ch() === '\n') this.#newline()
        else this.#take()
      }
      if (this.#eof()) {
        this.#lose('an array ( that is not closed')
        return
      }
      if (this.#ch() === ')') {
        this.#take()
        return
      }
      if (this.#ch() === '#') {
        this.#comment()
        continue
      }
      const element = this.#word('element')
      if (element.text === '' && element.literal) {
        this.#lose('an array element this tool cannot read')
        return
      }
    }
  }

  #processSubstitution(): void {
    this.#takeN(2)
    this.#expansion()
    this.#collectors.push('output')
    try {
      this.#list(')')
    } finally {
      this.#collectors.pop()
    }
    this.#take()
  }

  #single(): void {
    this.#take()
    this.#quoted()
    for (;;) {
      if (this.#eof()) {
        this.#lose("a ' that is not closed")
        return
      }
      if (this.#isRef()) {
        this.#ref('single')
        continue
      }
      const c = this.#ch()
      if (c === "'") {
        this.#take()
        return
      }
      if (c === '\n') this.#newline()
      else this.#take()
      this.#text(c)
    }
  }

  /** "…"; `refusal`: for `$"…"`, whose text bash looks up in a translation catalogue. */
  #double(refusal?: string): void {
    this.#take()
    this.#quoted()
    for (;;) {
      if (this.#eof()) {
        this.#lose('a " that is not closed')
        return
      }
      if (this.#isRef()) {
        const site = this.#ref('double')
        if (refusal) site.refusal = { message: refusal, hint: 'use "…" without the $' }
        continue
      }
      const c = this.#ch()
      if (c === '"') {
        this.#take()
        return
      }
      if (c === '\\') {
        const next = this.#ch(1)
        if (this.#isRef(1)) {
          this.#take()
          this.#escapedRef()
        } else if (next === '\n') this.#takeN(2)
        else {
          this.#takeN(2)
          this.#text('$`"\\'.includes(next) ? next : `\\${next}`)
        }
      } else if (c === '$') this.#dollar('double')
      else if (c === '`') this.#backtick()
      else if (c === '\n') {
        this.#newline()
        this.#text(c)
      } else {
        this.#take()
        this.#text(c)
      }
    }
  }

  /** `\x` outside quotes. */
  #escape(): void {
    if (this.#isRef(1)) {
      this.#take()
      this.#escapedRef()
      return
    }
    this.#take()
    this.#quoted()
    const next = this.#take()
    if (next !== '\n') this.#text(next)
  }

  /** A reference right after a backslash: the backslash would escape its `$`. */
  #escapedRef(): void {
    const site = this.#ref('none')
    site.refusal = { message: 'comes right after a backslash', hint: HINTS.escaped }
  }

  #backtick(): void {
    this.#take()
    this.#expansion()
    const flow = newFlow()
    this.#collectors.push('output', flow)
    try {
      for (;;) {
        if (this.#eof()) {
          this.#lose('a ` that is not closed')
          return
        }
        if (this.#isRef()) {
          this.#ref('none')
          continue
        }
        const c = this.#ch()
        if (c === '`') {
          this.#take()
          break
        }
        if (c === '\\') this.#takeN(2)
        else if (NAME_START.test(c)) this.#use(this.#name())
        else this.#take()
      }
    } finally {
      this.#collectors.pop()
      this.#collectors.pop()
    }
    this.#sink(flow, 'refuse', 'inside `…`, which this tool does not read', HINTS.backtick)
  }

  /** A run of name characters, consumed. */
  #name(): string {
    let name = ''
    while (NAME_CHAR.test(this.#ch())) name += this.#take()
    return name
  }

  // --- expansions ----------------------------------------------------------------------------

  #dollar(context: 'none' | 'double' | 'arith'): void {
    const next = this.#ch(1)
    if (next === '(' && this.#ch(2) === '(') {
      this.#takeN(3)
      this.#expansion()
      this.#arith('))', 'in $((…))', true)
    } else if (next === '(') {
      this.#takeN(2)
      this.#expansion()
      this.#collectors.push('output')
      try {
        this.#list(')')
      } finally {
        this.#collectors.pop()
      }
      this.#take()
    } else if (next === '{') this.#brace(context)
    else if (next === '[') {
      this.#takeN(2)
      this.#expansion()
      this.#arith(']', 'in $[…]', true)
    } else if (next === "'" && context === 'none') this.#ansiC()
    else if (next === '"' && context === 'none') {
      this.#take()
      this.#double('is inside $"…", whose text bash translates before expanding it')
    } else if (NAME_START.test(next)) {
      this.#take()
      this.#expansion()
      this.#use(this.#name())
    } else if (/[0-9@*]/.test(next)) {
      this.#takeN(2)
      this.#expansion()
      this.#use('@')
    } else if (/[#?$!-]/.test(next) && next !== '') {
      this.#takeN(2)
      this.#expansion()
    } else {
      this.#take()
      this.#text('$')
    }
  }

  #ansiC(): void {
    this.#takeN(2)
    this.#expansion()
    for (;;) {
      if (this.#eof()) {
        this.#lose("a $' that is not closed")
        return
      }
      if (this.#isRef()) {
        const site = this.#ref('none')
        site.refusal = { message: "is inside $'…'", hint: HINTS.ansiC }
        continue
      }
      const c = this.#ch()
      if (c === "'") {
        this.#take()
        return
      }
      // dash has no $'…': there a backslash-quote would end it, in bash and zsh not.
      if (c === '\\') {
        this.#lose("$'…' with a backslash in it")
        return
      }
      this.#take()
    }
  }

  /** `${…}`. */
  #brace(context: 'none' | 'double' | 'arith'): void {
    this.#takeN(2)
    this.#expansion()
    const c = this.#ch()
    if (this.#isRef()) {
      this.#opaque('inside a ${…} this tool does not read', HINTS.lost)
      return
    }
    if (c === '(' || c === '=' || c === '~' || c === '^') {
      this.#opaque("inside zsh's ${(…)…}, ${=…}, ${~…} or ${^…}", HINTS.portable)
      return
    }
    if (c === '!') {
      this.#opaque('as the name of a variable to look up (${!…})', HINTS.name)
      return
    }
    if (c === '#' && /[A-Za-z_0-9@*#?$!-]/.test(this.#ch(1)) && this.#ch(1) !== '}') {
      // ${#x}: a length; the value itself goes nowhere.
      this.#take()
      const name = this.#paramName()
      if (name === null) {
        this.#lose('a ${#…} this tool cannot read')
        return
      }
      if (this.#ch() === '[') this.#subscript()
      if (this.#ch() !== '}') {
        this.#lose('a ${#…} this tool cannot read')
        return
      }
      this.#take()
      return
    }
    const name = this.#paramName()
    if (name === null) {
      this.#lose('a ${…} this tool cannot read')
      return
    }
    this.#use(name)
    if (this.#ch() === '[') this.#subscript()
    const op = this.#ch()
    const op2 = this.#ch(1)
    if (op === '}') {
      this.#take()
    } else if (op === ':' && '-=?+'.includes(op2) && op2 !== '') {
      this.#takeN(2)
      this.#braceWord(context)
    } else if ('-=?+'.includes(op) && op !== '') {
      this.#take()
      this.#braceWord(context)
    } else if (op === '#' || op === '%') {
      this.#take()
      if (this.#ch() === op) this.#take()
      this.#braceWord('pattern')
    } else if (op === ':') {
      // bash's and zsh's ${x:offset:length}: arithmetic.
      this.#take()
      if (this.#arith(':}', 'as a substring offset', true) === ':') {
        this.#take()
        this.#arith('}', 'as a substring length', true)
      }
      this.#take()
    } else if (this.#isRef()) {
      this.#lose('a ${…} this tool cannot read')
    } else {
      this.#opaque(
        `inside \${…${op}…}, which dash does not have and bash and zsh read differently`,
        HINTS.portable,
      )
    }
  }

  /** The parameter of `${…}`: a name, digits or a special character; `@` stands for `$1`, `$@`… */
  #paramName(): string | null {
    const c = this.#ch()
    if (NAME_START.test(c)) return this.#name()
    if (/[0-9]/.test(c)) {
      while (/[0-9]/.test(this.#ch())) this.#take()
      return '@'
    }
    if (c === '@' || c === '*') {
      this.#take()
      return '@'
    }
    if (c !== '' && '#?$!-'.includes(c)) {
      this.#take()
      return '#'
    }
    return null
  }

  /** `${x[…]}`: an index, evaluated as arithmetic. */
  #subscript(): void {
    this.#take()
    this.#arith(']', 'as an array index', false)
  }

  /** The word of `${x:-word}` (`value`) or `${x#pattern}` (`pattern`), up to its `}`. */
  #braceWord(mode: 'none' | 'double' | 'arith' | 'pattern'): void {
    for (;;) {
      if (this.#eof()) {
        this.#lose('a ${ that is not closed')
        return
      }
      if (this.#isRef()) {
        if (mode === 'arith') this.#ref('bare', { parens: true })
        else this.#ref(mode === 'double' ? 'double' : 'none')
        continue
      }
      const c = this.#ch()
      if (c === '}') {
        this.#take()
        return
      }
      if (c === '{') {
        this.#lose('a { inside ${…}')
        return
      }
      if (c === '"') this.#double()
      else if (c === "'") {
        // Inside "${x:-…}" a single quote is a plain character; in a pattern, or unquoted, a quote.
        if (mode === 'double') this.#take()
        else if (mode === 'arith') {
          this.#lose('a quote in arithmetic')
          return
        } else this.#single()
      } else if (c === '\\') {
        if (this.#isRef(1)) {
          this.#take()
          this.#escapedRef()
        } else this.#takeN(2)
      } else if (c === '$') this.#dollar(mode === 'pattern' ? 'none' : mode)
      else if (c === '`') this.#backtick()
      else if (c === '\n') this.#newline()
      else this.#take()
    }
  }

  /** Reads a `${…}` this scanner does not follow to its `}`, refusing what flows into it. */
  #opaque(where: string, hint: string): void {
    const flow = newFlow()
    this.#collectors.push(flow)
    let depth = 0
    try {
      for (;;) {
        if (this.#eof()) {
          this.#lose('a ${ that is not closed')
          return
        }
        if (this.#isRef()) {
          this.#ref('none')
          continue
        }
        const c = this.#ch()
        if (c === '}' && depth === 0) {
          this.#take()
          break
        }
        if (c === '{') depth++
        if (c === '}') depth--
        if (c === '"') this.#double()
        else if (c === "'") this.#single()
        else if (c === '\\') this.#takeN(2)
        else if (c === '$') this.#dollar('none')
        else if (c === '`') this.#backtick()
        else if (NAME_START.test(c)) this.#use(this.#name())
        else if (c === '\n') this.#newline()
        else this.#take()
      }
    } finally {
      this.#collectors.pop()
    }
    this.#sink(flow, 'refuse', where, hint)
  }

  /**
   * Arithmetic up to `close` (`))`, `]`, `}`, or `:` or `}` for `:}`): references are numbers
   * (in parentheses when `parens`), and so are the variables named in it. Returns the closer
   * found, not consumed for `}`, `]`-less closers.
   */
  #arith(close: '))' | ']' | '}' | ':}', where: string, parens: boolean): string {
    const flow = newFlow()
    this.#collectors.push('arith', flow)
    let depth = 0
    let found = ''
    try {
      for (;;) {
        if (this.#eof()) {
          this.#lose('arithmetic that is not closed')
          return ''
        }
        if (this.#isRef()) {
          this.#ref('bare', { parens })
          continue
        }
        const c = this.#ch()
        if (depth === 0) {
          if (close === '))' && c === ')') {
            if (this.#ch(1) !== ')') {
              this.#lose('a $(( or (( closed by a single )')
              return ''
            }
            this.#takeN(2)
            found = '))'
            break
          }
          if (close === ']' && c === ']') {
            this.#take()
            found = ']'
            break
          }
          if ((close === '}' || close === ':}') && c === '}') {
            found = '}'
            break
          }
          if (close === ':}' && c === ':') {
            found = ':'
            break
          }
        }
        if (c === '(' || c === '[') depth++
        if (c === ')' || c === ']') depth--
        if (c === '$') this.#dollar('arith')
        else if (NAME_START.test(c)) this.#use(this.#name())
        else if (/[0-9]/.test(c)) this.#name()
        else if (c === '`') this.#backtick()
        else if (c === '"' || c === "'" || c === '\\') {
          this.#lose('a quote or backslash in arithmetic')
          return ''
        } else if (c === '\n') this.#newline()
        else this.#take()
      }
    } finally {
      this.#collectors.pop()
      this.#collectors.pop()
    }
    this.#sink(flow, 'number', where, HINTS.number)
    return found
  }

  // --- here-documents ------------------------------------------------------------------------

  #heredocHead(frame: Frame, input: Input, strip: boolean): void {
    this.#blanks()
    const start = this.#i
    let delimiter = ''
    let quoted = false
    let quote = ''
    for (;;) {
      if (this.#isRef()) {
        this.#lose('a reference in a here-document delimiter')
        return
      }
      const c = this.#ch()
      if (c === '') break
      if (quote) {
        if (c === quote) quote = ''
        else if (c === '\n' || c === '$' || c === '`') {
          this.#lose('a here-document delimiter this tool cannot read')
          return
        } else delimiter += c
        this.#i++
        continue
      }
      if (/[\s;&|<>()]/.test(c)) break
      if (c === '$' || c === '`') {
        this.#lose('a here-document delimiter with $ or ` in it')
        return
      }
      if (c === "'" || c === '"') {
        quote = c
        quoted = true
      } else if (c === '\\') {
        quoted = true
        this.#i++
        delimiter += this.#ch()
      } else delimiter += c
      this.#i++
    }
    if (quote || delimiter === '') {
      this.#lose('a here-document delimiter this tool cannot read')
      return
    }
    const id = ++this.#heredocCount
    const rewrite = quoted && this.#rewrite.has(id) && /^[A-Za-z0-9_.,:@%+=-]+$/.test(delimiter)
    const written = this.#units.slice(start, this.#i).join('')
    this.#write(rewrite ? delimiter : written)
    const heredoc: Heredoc = { id, delimiter, strip, quoted, rewrite, code: null, flow: newFlow() }
    frame.heredocs.push(heredoc)
    input.heredocs.push(heredoc)
  }

  /** After a line break: the bodies of the here-documents opened on that line. */
  #heredocBodies(frame: Frame): void {
    const pending = frame.heredocs.splice(0)
    for (const heredoc of pending) {
      if (this.#eof()) return
      const { bodyEnd, next } = this.#heredocExtent(heredoc)
      const end = this.#end
      this.#end = bodyEnd
      // What is in a here-document is what `read` may read from it, or a shell runs.
      this.#collectors.push(this.#inputFlow, heredoc.flow)
      try {
        if (heredoc.quoted) this.#quotedBody(heredoc)
        else this.#unquotedBody()
      } finally {
        this.#end = end
        this.#collectors.pop()
        this.#collectors.pop()
      }
      if (heredoc.code) this.#sink(heredoc.flow, 'refuse', heredoc.code, HINTS.code)
      while (this.#i < next && !this.#eof()) this.#take()
    }
  }

  /**
   * Where a here-document's body ends: at its first line equal to the delimiter (leading tabs
   * removed for `<<-`). A line with a reference in it is never the delimiter: the shell sees
   * the reference's text there, not the value.
   */
  #heredocExtent(heredoc: Heredoc): { bodyEnd: number; next: number } {
    let at = this.#i
    while (at < this.#end) {
      let line = ''
      let hasRef = false
      let k = at
      for (; k < this.#end; k++) {
        const unit = this.#units[k]
        if (unit === '\n') break
        if (typeof unit === 'string') line += unit
        else hasRef = true
      }
      const compared = heredoc.strip ? line.replace(/^\t+/, '') : line
      if (!hasRef && compared === heredoc.delimiter)
        return { bodyEnd: at, next: Math.min(k + 1, this.#end) }
      at = k + 1
    }
    return { bodyEnd: this.#end, next: this.#end }
  }

  /**
   * The body of `<<'EOF'`: text the shell does not expand, so a variable cannot be referred
   * to in it. With values in it, it is written as `<<EOF` with its `\`, `$` and backquotes
   * escaped: the same text, and each value expanded where it stands (it cannot end the
   * document early: the shell finds the delimiter line before it expands anything).
   */
  #quotedBody(heredoc: Heredoc): void {
    this.#escaping = heredoc.rewrite
    try {
      while (!this.#eof()) {
        if (this.#isRef()) {
          const site = this.#ref('double')
          this.#quotedHeredocsWithValues.add(heredoc.id)
          if (!heredoc.rewrite && this.#rewrite.has(heredoc.id))
            site.refusal = {
              message: `is in a quoted here-document whose delimiter (${heredoc.delimiter}) is not a plain word`,
              hint: "use a delimiter of letters and digits, such as <<'EOF'",
            }
          continue
        }
        this.#take()
      }
    } finally {
      this.#escaping = false
    }
  }

  #unquotedBody(): void {
    while (!this.#eof()) {
      if (this.#isRef()) {
        this.#ref('double')
        continue
      }
      const c = this.#ch()
      if (c === '\\') {
        if (this.#isRef(1)) {
          this.#take()
          this.#escapedRef()
        } else this.#takeN(2)
      } else if (c === '$') this.#dollar('double')
      else if (c === '`') this.#backtick()
      else this.#take()
    }
  }

  // --- compound commands ---------------------------------------------------------------------

  /** `case WORD in`: then patterns. */
  #caseHead(frame: Frame): void {
    this.#blanks()
    this.#word('command')
    this.#blanksAndLines()
    const inWord = this.#word('command')
    if (!inWord.literal || inWord.text !== 'in') {
      this.#lose('a case without in')
      return
    }
    frame.cases.push('pattern')
  }

  #blanksAndLines(): void {
    for (;;) {
      this.#blanks()
      if (this.#ch() === '\n') {
        this.#take()
        continue
      }
      return
    }
  }

  /** `(pattern | pattern)` before a case item's commands, or the `esac` that ends the case. */
  #casePattern(frame: Frame): void {
    if (this.#ch() === '(') this.#take()
    for (;;) {
      this.#blanks()
      if (this.#eof()) {
        this.#lose('a case pattern that is not closed')
        return
      }
      const word = this.#word('pattern')
      if (word.literal && !word.quoted && word.text === 'esac') {
        frame.cases.pop()
        return
      }
      this.#blanks()
      const c = this.#ch()
      if (c === '|') {
        this.#take()
        continue
      }
      if (c === ')') {
        this.#take()
        frame.cases[frame.cases.length - 1] = 'body'
        return
      }
      this.#lose('a case pattern this tool cannot read')
      return
    }
  }

  /** `for NAME in WORDS` / `select …`: each word's value is assigned to NAME. */
  #forHead(keyword: string): void {
    this.#blanks()
    if (this.#ahead(2) === '((') {
      this.#takeN(2)
      this.#arith('))', 'in for ((…))', true)
      return
    }
    const name = this.#word('command')
    if (!name.literal) {
      this.#sink(name.flow, 'refuse', `as the variable name of ${keyword}`, HINTS.name)
      this.#lose(`a ${keyword} whose variable name is not written out`)
      return
    }
    this.#blanksAndLines()
    if (this.#ahead(2) !== 'in' || !/^[\s;]?$/.test(this.#ch(2))) return
    this.#word('command')
    for (;;) {
      this.#blanks()
      if (this.#eof()) return
      const c = this.#isRef() ? '' : this.#ch()
      if (c === '\n' || c === ';' || c === '&' || c === '|' || c === ')') return
      const word = this.#word('command')
      this.#assigns.push({ name: name.text, flow: word.flow })
    }
  }

  /** `[[ … ]]`: operands next to -eq… are numbers, after -v names, after =~ regular expressions. */
  #conditional(): void {
    const tokens: Word[] = []
    for (;;) {
      this.#blanks()
      if (this.#eof()) {
        this.#lose('a [[ that is not closed')
        return
      }
      if (!this.#isRef()) {
        const c = this.#ch()
        if (c === '\n') {
          this.#newline()
          continue
        }
        const op = /^(&&|\|\||!(?!=)|[()<>])/.exec(this.#ahead(2))?.[0]
        if (op) {
          this.#takeN(op.length)
          tokens.push(operatorWord(op))
          continue
        }
      }
      if (literalText(tokens.at(-1)) === '=~') {
        tokens.push(this.#regexWord())
        continue
      }
      const word = this.#word('conditional')
      if (word.literal && !word.quoted && word.text === ']]') break
      tokens.push(word)
    }
    tokens.forEach((token, i) => {
      const before = literalText(tokens[i - 1])
      const after = literalText(tokens[i + 1])
      if (token.literal) {
        // [[ N -eq 1 ]]: bash and zsh evaluate the word N as arithmetic, reading variable N.
        if (ARITH_TEST_OPS.has(before ?? '') || ARITH_TEST_OPS.has(after ?? ''))
          this.#arithNames(token, `as an operand of ${before ?? after} in [[ … ]]`)
        return
      }
      if (before === '-v' || before === '-R')
        this.#sink(token.flow, 'refuse', `as the variable name of ${before} in [[ … ]]`, HINTS.name)
      else if (before === '=~' || after === '=~')
        this.#sink(
          token.flow,
          'refuse',
          'as an operand of =~ in [[ … ]], which zsh reads as a regular expression even quoted',
          HINTS.regex,
        )
      else if (ARITH_TEST_OPS.has(before ?? '') || ARITH_TEST_OPS.has(after ?? ''))
        this.#sink(
          token.flow,
          'number',
          `as an operand of ${before ?? after} in [[ … ]]`,
          HINTS.number,
        )
      else if (before === '-t')
        this.#sink(token.flow, 'number', 'as the file descriptor of -t in [[ … ]]', HINTS.number)
    })
  }

  /** The right of `=~` in `[[ … ]]`, a regular expression that bash reads with its own rules. */
  #regexWord(): Word {
    const word: Word = {
      text: '\0',
      literal: false,
      quoted: false,
      flow: newFlow(),
      assign: null,
      index: newFlow(),
    }
    this.#collectors.push(word.flow)
    let depth = 0
    try {
      for (;;) {
        if (this.#eof()) break
        if (this.#isRef()) {
          this.#ref('none')
          continue
        }
        const c = this.#ch()
        if ((c === ' ' || c === '\t' || c === '\n') && depth === 0) break
        if (c === '(') depth++
        if (c === ')') depth--
        if (c === "'") this.#single()
        else if (c === '"') this.#double()
        else if (c === '\\') this.#takeN(2)
        else if (c === '$') this.#dollar('none')
        else if (c === '`') this.#backtick()
        else this.#take()
      }
    } finally {
      this.#collectors.pop()
    }
    return word
  }

  /** The variable names in a word a shell evaluates as arithmetic: their values are too. */
  #arithNames(word: Word, where: string): void {
    const flow = newFlow()
    for (const name of word.text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) flow.vars.add(name)
    this.#sink(flow, 'number', where, HINTS.number)
  }

  // --- what a command does with its words ----------------------------------------------------

  /** What a command does with its words; returns why its standard input is code, if it is. */
  #classify(words: readonly Word[]): string | null {
    let k = 0
    while (words[k]?.assign != null) k++
    const command = words.slice(k)
    const name = command[0]
    for (const word of words.slice(0, k)) {
      // `X=v program`: X is in the program's environment only; a function or builtin sees it.
      if (name?.literal) this.#prefixAssigns.push({ word, command: name.text })
      else if (!name) this.#assignment(word)
    }
    return command.length > 0 ? this.#commandWords(command) : null
  }

  #assignment(word: Word): void {
    if (word.assign === null) return
    this.#assigns.push({ name: word.assign, flow: word.flow })
    // PS4='$((n))': the shell expands a prompt (set -x), running what is in it.
    if (CODE_VARIABLES.has(word.assign) && word.literal)
      this.#runsLater(word.text.slice(word.text.indexOf('=') + 1), 'same')
  }

  #commandWords(words: readonly Word[]): string | null {
    const [name, ...args] = words
    if (!name) return null
    if (!name.literal) {
      this.#sink(name.flow, 'refuse', 'as the name of the command to run', HINTS.unknownCommand)
      for (const arg of args)
        this.#sink(
          arg.flow,
          'refuse',
          'as an argument of a command whose name is not written in the checklist',
          HINTS.unknownCommand,
        )
      // Unquoted, the text's own $x may be a whole command line.
      return 'in the standard input of a command whose name is not written in the checklist'
    }
    const command = name.text
    const program = programWord(words)
    if (program && !program.literal)
      this.#sink(program.flow, 'refuse', `as the program ${command} runs`, HINTS.unknownCommand)
    const stdin = this.#externalCode(words)
    this.#calls.push({ name: command, flows: args.map((arg) => arg.flow) })
    if (command === 'alias')
      for (const arg of args) {
        const alias = arg.assign ?? (arg.literal ? arg.text.split('=')[0] : null)
        if (alias) this.#aliases.add(alias)
      }
    const refuseAll = (where: string, hint: string) => {
      for (const arg of args) this.#sink(arg.flow, 'refuse', where, hint)
    }
    const options = (from: number) => {
      let k = from
      while (k < args.length && args[k]?.literal && /^[-+]./.test(args[k]?.text ?? '')) k++
      return k
    }
    switch (command) {
      case 'command': {
        const k = options(0)
        const flags = args.slice(0, k).map((a) => a.text)
        if (flags.some((f) => /[vV]/.test(f))) return null // command -v NAME: looks names up
        return this.#commandWords(args.slice(k))
      }
      case 'builtin':
      case 'noglob':
      case 'nocorrect':
      case '-':
        return this.#commandWords(args)
      case 'time':
      case 'exec': {
        let k = options(0)
        if (command === 'exec' && args.slice(0, k).some((a) => a.text === '-a')) k++
        return this.#commandWords(args.slice(k))
      }
      case 'test':
      case '[':
        this.#test(command === '[' ? args.slice(0, -1) : args)
        return null
      case 'printf':
        this.#printf(args)
        return null
      case 'let':
        for (const arg of args) {
          for (const site of arg.flow.sites) site.parens = true
          this.#sink(arg.flow, 'number', 'in let', HINTS.number)
          this.#arithNames(arg, 'in let')
        }
        return null
    }
    if (NUMBER_BUILTINS.has(command)) {
      for (const arg of args) {
        this.#sink(arg.flow, 'number', `as an argument of ${command}`, HINTS.number)
        if (arg.literal) this.#arithNames(arg, `as an argument of ${command}`)
      }
    } else if (DECLARATIONS.has(command)) this.#declaration(command, args)
    else if (CODE_BUILTINS[command]) {
      refuseAll(CODE_BUILTINS[command] ?? '', HINTS.code)
      this.#laterCode(command, args)
      // eval "$(cat)", . /dev/stdin: what they run may come from standard input.
      if (command === 'eval' || command === '.' || command === 'source')
        return `in the standard input of ${command}, which may run it as code`
    } else if (NAME_BUILTINS.has(command)) {
      refuseAll(`as an argument of ${command}, which can take it as a variable name`, HINTS.builtin)
      if (/^(read|mapfile|readarray|getln|vared)$/.test(command))
        for (const arg of args)
          if (arg.literal && NAME.test(arg.text)) this.#readNames.add(arg.text)
    } else if (BUILTINS.has(command) && !DATA_BUILTINS.has(command))
      refuseAll(
        `as an argument of ${command}, a builtin that may read it as code or a variable name`,
        HINTS.builtin,
      )
    return stdin
  }

  /** The code `eval`, `trap`, `alias` and `source` run: read it when it is written out. */
  #laterCode(command: string, args: readonly Word[]): void {
    const texts = args.map(literalText)
    if (command === 'eval') {
      if (texts.every((t) => t !== null)) this.#runsLater(texts.join(' '), 'same')
      else this.#blind.push('eval runs code this tool cannot see')
    } else if (command === 'trap') {
      const action = args[0]?.text === '--' ? args[1] : args[0]
      const text = literalText(action)
      if (text === null) this.#blind.push('trap runs code this tool cannot see')
      else if (text !== '-' && !/^[0-9]+$/.test(text)) this.#runsLater(text, 'same')
    } else if (command === 'alias') {
      for (const arg of args) {
        const text = literalText(arg)
        if (text === null) this.#lose('an alias whose definition is not written out')
        else if (text.includes('=')) this.#runsLater(text.slice(text.indexOf('=') + 1), 'same')
      }
    } else if (command === '.' || command === 'source') {
      this.#blind.push(`${command} runs a script this tool does not read`)
    }
  }

  /** `test`/`[`: operands of -eq… are numbers; after -v a name; after -t a number (zsh). */
  #test(args: readonly Word[]): void {
    args.forEach((arg, i) => {
      if (arg.literal) return
      const before = literalText(args[i - 1])
      const after = literalText(args[i + 1])
      if (before === '-v' || before === '-R')
        this.#sink(arg.flow, 'refuse', `as the variable name of test ${before}`, HINTS.name)
      else if (ARITH_TEST_OPS.has(before ?? '') || ARITH_TEST_OPS.has(after ?? ''))
        this.#sink(arg.flow, 'number', `as an operand of ${before ?? after}`, HINTS.number)
      else if (before === '-t')
        this.#sink(arg.flow, 'number', 'as the file descriptor of test -t', HINTS.number)
      else if (i > 0 && before === null)
        // After another value, which could itself be -v or -eq.
        this.#sink(arg.flow, 'number', 'as an operand of test after another value', HINTS.number)
    })
  }

  /** printf: the format must be the checklist's; arguments zsh reads as numbers are numbers. */
  #printf(args: readonly Word[]): void {
    let k = 0
    while (k < args.length) {
      const arg = args[k]
      if (!arg?.literal) break
      if (arg.text === '--') {
        k++
        break
      }
      if (arg.text === '-v') {
        const name = args[k + 1]
        if (name && !name.literal)
          this.#sink(name.flow, 'refuse', 'as the variable name of printf -v', HINTS.name)
        k += 2
        continue
      }
      if (!arg.text.startsWith('-v')) break
      k++
    }
    const format = args[k]
    if (!format) return
    const rest = args.slice(k + 1)
    if (!format.literal) {
      this.#sink(
        format.flow,
        'refuse',
        "as printf's format, which printf reads as conversions",
        'pass it as an argument instead: printf \'%s\\n\' "${…}"',
      )
      for (const arg of rest)
        this.#sink(
          arg.flow,
          'number',
          'as an argument of printf whose format is not written in the checklist',
          HINTS.number,
        )
      return
    }
    const conversions = printfConversions(format.text)
    rest.forEach((arg, i) => {
      const conversion =
        conversions === null ? '?' : conversions[i % Math.max(conversions.length, 1)]
      if (conversion === undefined || 'sbqc'.includes(conversion)) return
      this.#sink(arg.flow, 'number', `as a printf %${conversion} argument`, HINTS.number)
      if (arg.literal) this.#arithNames(arg, `as a printf %${conversion} argument`)
    })
  }

  /** declare & co: `NAME=value` assigns; other words are names or options. */
  #declaration(command: string, args: readonly Word[]): void {
    let flags = ''
    let unknownFlags = false
    let k = 0
    for (; k < args.length; k++) {
      const arg = args[k]
      if (!arg || arg.assign !== null) break
      if (arg.literal && arg.text === '--') {
        k++
        break
      }
      if (arg.literal && /^[-+]./.test(arg.text)) flags += arg.text.slice(1)
      else if (!arg.literal && arg.text.startsWith('\0')) {
        this.#sink(arg.flow, 'refuse', `as an option or variable name of ${command}`, HINTS.name)
        unknownFlags = true
      } else break
    }
    const declaresNames = command === 'declare' || command === 'typeset' || command === 'local'
    const typed: 'number' | 'name' | null =
      unknownFlags || (declaresNames && flags.includes('n'))
        ? 'name'
        : command === 'integer' || command === 'float' || /[iEF]/.test(flags)
          ? 'number'
          : null
    for (const arg of args.slice(k)) {
      if (arg.assign !== null) {
        this.#assignment(arg)
        if (typed) this.#typed.set(arg.assign, typed)
      } else if (arg.literal && NAME.test(arg.text)) {
        if (typed) this.#typed.set(arg.text, typed)
      } else if (!arg.literal)
        this.#sink(arg.flow, 'refuse', `as a variable name for ${command}`, HINTS.name)
    }
  }

  /**
   * Programs that hand their arguments to a shell as code: `sh -c 'text' name args`
   * (wherever in the command a shell is given -c, as in `docker exec c sh -c …`), `su -c`,
   * `sudo -s`/`-i`, `ssh host command`, `watch`, `parallel`.
   */
  #externalCode(words: readonly Word[]): string | null {
    const texts = words.map((w) => (w.literal ? basename(w.text) : null))
    const refuseFrom = (from: number, where: string): null => {
      for (const word of words.slice(from)) this.#sink(word.flow, 'refuse', where, HINTS.code)
      return null
    }
    for (let s = 0; s < words.length; s++) {
      if (!SHELL.test(texts[s] ?? '')) continue
      let k = s + 1
      let dashC = false
      let dashS = false
      for (; k < words.length; k++) {
        const word = words[k]
        if (!word) break
        if (!word.literal) {
          if (dashC) {
            refuseFrom(k, `as the command text of ${texts[s]} -c, which it runs as code`)
            return `in the standard input of ${texts[s]} -c, which may run it as code`
          }
          // Here a value (or the text's own unquoted $x, which may vanish) could be -c, or -s:
          // then the shell runs what it reads from standard input.
          if (s === 0)
            refuseFrom(k, `where ${texts[s]} takes its options (a value there could be -c)`)
          return `in the standard input of ${texts[s]}, which may run it as code`
        }
        // `--`, and for sh a lone `-`, end the options.
        if (word.text === '--' || word.text === '-') {
          k++
          break
        }
        if (!/^[-+]./.test(word.text)) break
        if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word.text)) dashC = true
        if (/^-[A-Za-z]*s[A-Za-z]*$/.test(word.text)) dashS = true
        if (/^[-+][oO]$|^--(rcfile|init-file)$/.test(word.text)) k++
      }
      if (!dashC) {
        const operand = words[k]
        // A script named by an expansion (`sh - $x`) may be no word at all once expanded: the
        // shell then runs its standard input. Its arguments stay arguments either way.
        if (operand && !operand.literal && !dashS)
          return `in the standard input of ${texts[s]}, which runs it as code when the script named after ${words[k - 1]?.text ?? '-'} expands to nothing`
        if (operand && !dashS && !STDIN_FILES.test(operand.text)) continue // a script file
        // No command text and no script: the shell runs what it reads from standard input.
        refuseFrom(k, `as an argument of ${texts[s]} running commands from standard input`)
        return `in the standard input of ${texts[s]}, which runs it as code`
      }
      const text = words[k]
      if (!text) return `in the standard input of ${texts[s]} -c, which may run it as code`
      if (!text.literal) {
        refuseFrom(k, `as the command text of ${texts[s]} -c, which it runs as code`)
        return `in the standard input of ${texts[s]} -c, which may run it as code`
      }
      // The command text is the checklist's: read it for what it does with $1, $@…
      const inner = this.#runsLater(text.text, 'child')
      const { number, refusal } = inner.positional
      for (const word of words.slice(k + 1)) {
        if (refusal)
          this.#sink(
            word.flow,
            'refuse',
            `as an argument of ${texts[s]} -c, whose text uses it ${refusal}`,
            HINTS.code,
          )
        else if (number)
          this.#sink(
            word.flow,
            'number',
            `(as an argument of ${texts[s]} -c, whose text uses it ${number})`,
            HINTS.number,
          )
      }
      // Its text may read standard input as code too (eval "$(cat)").
      return `in the standard input of ${texts[s]} -c, whose text may run it as code`
    }
    const name = texts[0]
    // xargs makes its input the arguments of the program it runs: for a shell, its code.
    if (name === 'xargs' && texts.some((t) => t !== null && SHELL.test(t)))
      return 'in the standard input of xargs, which hands it to a shell'
    if (name === 'su' || name === 'runuser' || name === 'script' || name === 'flock') {
      const k = words.findIndex(
        (w) => /^(-c|--command|--session-command)$/.test(w.text) || /^--command=/.test(w.text),
      )
      if (k > 0) refuseFrom(k, `as the command of ${name} -c, which a shell runs as code`)
    } else if (name === 'sudo' || name === 'doas') {
      const k = words.findIndex(
        (w, i) => i > 0 && w.literal && /^(-[A-Za-z]*[si][A-Za-z]*|--shell|--login)$/.test(w.text),
      )
      if (k > 0) refuseFrom(k, `as an argument of ${name} -s/-i, which a shell runs as code`)
    } else if (name === 'ssh') {
      let k = 1
      for (; k < words.length; k++) {
        const word = words[k]
        if (!word?.literal || !word.text.startsWith('-')) break
        if (/^-[A-Za-z]*[BbcDEeFIiJLlmOoPpQRSWw]$/.test(word.text)) k++
      }
      refuseFrom(
        k + 1,
        'as part of the command ssh runs on the other host, which its shell runs as code',
      )
      const remote = texts.slice(k + 1)
      if (
        remote.length === 0 ||
        remote.some((t) => t === null || SHELL.test(t) || t in CODE_BUILTINS)
      )
        return "in the standard input of ssh, which the other host's shell may run as code"
    } else if (name === 'watch' || name === 'parallel') {
      refuseFrom(1, `as an argument of ${name}, which runs its arguments with sh -c`)
      if (name === 'parallel') return 'in the standard input of parallel, which runs it with sh -c'
    } else if (name === 'env') {
      for (const word of words.slice(1))
        if (word.assign !== null && CODE_VARIABLES.has(word.assign))
          this.#sink(word.flow, 'refuse', `as the value of ${word.assign}`, HINTS.prompt)
    }
    return null
  }

  // --- after reading -------------------------------------------------------------------------

  #finish(): ScanResult {
    for (const { word, command } of this.#prefixAssigns)
      if (BUILTINS.has(command) || this.#functions.has(command)) this.#assignment(word)
      else if (word.assign !== null && CODE_VARIABLES.has(word.assign)) this.#assignment(word)
    // `read` gets here-strings and here-documents, and through pipes any command's output.
    for (const name of this.#readNames) {
      this.#assigns.push({ name, flow: this.#inputFlow })
      const piped = newFlow()
      for (const site of this.#sites) piped.sitesViaOutput.add(site)
      this.#assigns.push({ name, flow: piped })
    }
    const handlers = ['command_not_found_handle', 'command_not_found_handler']
    const handled = handlers.some((name) => this.#functions.has(name))
    for (const call of this.#calls) {
      // bash's and zsh's handler of an unknown command gets its name and arguments.
      if (handled && !BUILTINS.has(call.name))
        for (const flow of call.flows) this.#assigns.push({ name: '@', flow })
      if (this.#aliases.has(call.name))
        for (const flow of call.flows)
          this.#sink(flow, 'refuse', `as an argument of the alias ${call.name}`, HINTS.builtin)
      // A function defined in the text gets its arguments as $1, $@…
      if (this.#functions.has(call.name))
        for (const flow of call.flows) this.#assigns.push({ name: '@', flow })
    }
    for (const assign of this.#assigns) {
      const typed = this.#typed.get(assign.name)
      if (typed === 'number' || INTEGER_VARIABLES.has(assign.name))
        this.#sink(
          assign.flow,
          'number',
          `as the value of ${assign.name}, which the shell keeps as a number`,
          HINTS.number,
        )
      else if (typed === 'name')
        this.#sink(
          assign.flow,
          'refuse',
          `as the value of ${assign.name}, a reference to the variable its value names`,
          HINTS.name,
        )
      else if (CODE_VARIABLES.has(assign.name))
        this.#sink(
          assign.flow,
          'refuse',
          `as the value of ${assign.name}, which the shell expands as a prompt or reads as a start-up file`,
          HINTS.prompt,
        )
    }
    const sources = new VariableSources(this.#assigns)
    const positional: { number: string | null; refusal: string | null } = {
      number: null,
      refusal: null,
    }
    for (const sink of this.#sinks) {
      const direct = sink.kind === 'number'
      const apply = (site: Site, through: string | null) => {
        if (sink.kind === 'number') {
          site.number ??= through ? `${sink.where} (through ${through})` : sink.where
        } else
          site.refusal ??= {
            message: through
              ? `reaches ${through}, which is used ${sink.where}`
              : `is used ${sink.where}`,
            hint: sink.hint,
          }
      }
      for (const site of sink.flow.sites) apply(site, null)
      if (!direct) for (const site of sink.flow.sitesViaOutput) apply(site, null)
      const vars = direct ? [...sink.flow.vars] : [...sink.flow.vars, ...sink.flow.varsViaOutput]
      for (const name of vars) {
        for (const { site, through } of sources.sites(name, direct))
          apply(site, describeVariable(through))
        if (sources.reaches(name, '@', direct)) {
          if (sink.kind === 'number') positional.number ??= sink.where
          else positional.refusal ??= sink.where
        }
      }
    }
    const unread = this.#lost ?? this.#blind[0] ?? null
    if (unread !== null) {
      // A value kept in a variable may be used in the code not read: refuse it too.
      for (const assign of this.#assigns)
        for (const site of [...assign.flow.sites, ...assign.flow.sitesViaOutput])
          site.refusal ??= {
            message: `is kept in $${assign.name === '@' ? '1' : assign.name}, which code this tool cannot read with confidence may use (${unread})`,
            hint: HINTS.lost,
          }
      positional.refusal ??= `in code this tool cannot read (${unread})`
    }
    // Hints show the reference itself where they say ${…}.
    for (const site of this.#sites)
      if (site.refusal?.hint.includes('${…}'))
        site.refusal = {
          ...site.refusal,
          hint: site.refusal.hint.replaceAll('${…}', site.part.source),
        }
    return {
      pieces: this.#pieces,
      sites: this.#sites,
      quotedHeredocsWithValues: this.#quotedHeredocsWithValues,
      positional,
    }
  }
}

/** Which references each variable's value comes from, through the assignments in the text. */
class VariableSources {
  readonly #assigns: ReadonlyMap<string, readonly Flow[]>

  constructor(assigns: readonly Assign[]) {
    const byName = new Map<string, Flow[]>()
    for (const { name, flow } of assigns) byName.set(name, [...(byName.get(name) ?? []), flow])
    this.#assigns = byName
  }

  /** The sites whose values reach `name`, each with the variable it reaches first. */
  sites(name: string, direct: boolean): { site: Site; through: string }[] {
    const found: { site: Site; through: string }[] = []
    const seen = new Set<string>()
    const visit = (variable: string) => {
      if (seen.has(variable)) return
      seen.add(variable)
      for (const flow of this.#assigns.get(variable) ?? []) {
        const sites = direct ? flow.sites : [...flow.sites, ...flow.sitesViaOutput]
        for (const site of sites) found.push({ site, through: name })
        for (const next of direct ? flow.vars : [...flow.vars, ...flow.varsViaOutput]) visit(next)
      }
    }
    visit(name)
    return found
  }

  /** Whether `target`'s value flows into `name`. */
  reaches(name: string, target: string, direct: boolean): boolean {
    const seen = new Set<string>()
    const visit = (variable: string): boolean => {
      if (variable === target) return true
      if (seen.has(variable)) return false
      seen.add(variable)
      for (const flow of this.#assigns.get(variable) ?? []) {
        const vars = direct ? flow.vars : [...flow.vars, ...flow.varsViaOutput]
        for (const next of vars) if (visit(next)) return true
      }
      return false
    }
    return visit(name)
  }
}

/** Programs that run another program named in their arguments, and their options taking a value. */
const WRAPPERS: Readonly<Record<string, RegExp>> = {
  env: /^-[uCS]$|^--(unset|chdir|split-string)$/,
  sudo: /^-[ugCDhprtTU]$/,
  doas: /^-[uC]$/,
  nohup: /^$/,
  nice: /^-n$/,
  timeout: /^-[sk]$/,
  setsid: /^$/,
  stdbuf: /^-[ioe]$/,
  xargs: /^-[aEdIiLlnPs]$/,
  ionice: /^-[cnp]$/,
  chrt: /^-[p]$/,
  taskset: /^$/,
}

/** The word naming the program a wrapper (`env`, `sudo`, `timeout 5`…) runs, if any. */
function programWord(words: readonly Word[]): Word | undefined {
  const takesValue = WRAPPERS[words[0]?.text ?? '']
  if (!takesValue || !words[0]?.literal) return undefined
  let k = 1
  for (; k < words.length; k++) {
    const word = words[k]
    if (!word?.literal) break
    if (word.text === '--') return words[k + 1]
    if (takesValue.test(word.text)) k++
    else if (!word.text.startsWith('-') && !(words[0]?.text === 'env' && word.text.includes('=')))
      break
  }
  // timeout DURATION PROGRAM, taskset MASK PROGRAM, chrt PRIORITY PROGRAM
  if (/^(timeout|taskset|chrt)$/.test(words[0]?.text ?? '')) k++
  return words[k]
}

function mergeFlow(into: Flow, from: Flow): void {
  for (const site of from.sites) into.sites.add(site)
  for (const site of from.sitesViaOutput) into.sitesViaOutput.add(site)
  for (const name of from.vars) into.vars.add(name)
  for (const name of from.varsViaOutput) into.varsViaOutput.add(name)
}

function describeVariable(name: string): string {
  return name === '@' ? 'the arguments of a function ($1, $@…)' : `$${name}`
}

function operatorWord(op: string): Word {
  return {
    text: op,
    literal: true,
    quoted: false,
    flow: newFlow(),
    assign: null,
    index: newFlow(),
  }
}

/** A word's text when it is literal, else null. */
function literalText(word: Word | undefined): string | null {
  return word?.literal ? word.text : null
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/**
 * The conversion each argument of a printf format meets, in order (`*` widths are `d`), or null
 * when the format numbers its arguments (`%1$s`).
 */
export function printfConversions(format: string): string[] | null {
  const conversions: string[] = []
  const pattern = /%(%|(\d+\$)?[-+ #0']*(\*|\d+)?(?:\.(\*|\d*))?[hlLqjzt]*(\([^)]*\))?([A-Za-z]?))/g
  for (const match of format.matchAll(pattern)) {
    if (match[1] === '%') continue
    if (match[2]) return null
    if (match[3] === '*') conversions.push('d')
    if (match[4] === '*') conversions.push('d')
    conversions.push(match[6] || '?')
  }
  return conversions
}
