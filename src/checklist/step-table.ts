/**
 * A step table: a table whose header names a status column (Done, Completed, Status, ✓,
 * Estado, Erledigt…) and whose status cells are boxes (`☐`, `☑`, `☒`, `[ ]`, `[x]`). Each row
 * is a step the author means to tick, as a `- [ ]` item is:
 *
 *     | Step                 | Completed | Notes |
 *     |----------------------|-----------|-------|
 *     | **Preparation**      |           |       |
 *     | Tag release version  | ☐         |       |
 *
 * A row with an empty status cell and one cell of text ("**Preparation**") heads the rows
 * below it, as a bold lead line heads a list. Only a table every one of whose rows is a step
 * or such a label is read so: a table of contacts, commands or metrics with no boxes in its
 * status column stays a table.
 *
 * Pure: header and cells as plain text in, which column is which and what each row is out.
 */

export type StepRow =
  /** A step: the cells that say what it is, those that annotate it (Notes, Owner), and its box. */
  | {
      readonly kind: 'step'
      readonly checked: boolean
      readonly steps: readonly number[]
      readonly notes: readonly number[]
    }
  /** A row that heads the steps below it: the one cell with text. */
  | { readonly kind: 'label'; readonly cell: number }

export interface StepTable {
  /** The status column's index. */
  readonly status: number
  /** One per body row, in order. */
  readonly rows: readonly StepRow[]
}

/** Normalised header words that name a status column: the box's column. */
const STATUS_HEADERS = new Set([
  'done',
  'done?',
  'completed',
  'complete',
  'completed?',
  'status',
  'state',
  'check',
  'checked',
  'tick',
  'ok',
  '✓',
  '✔',
  '✅',
  '☐',
  '☑',
  '[ ]',
  '[x]',
  'x',
  'estado',
  'hecho',
  'completado',
  'hecho?',
  'erledigt',
  'erledigt?',
  'fait',
  'statut',
  'fait?',
  'feito',
  'concluído',
  'concluido',
  'situação',
  'fatto',
  'stato',
  '完成',
  '状态',
  '状態',
  '完了',
  '済',
  '확인',
  '완료',
  '상태',
])

/** Headers of columns that annotate a step rather than say it: kept beside its text, never in its id. */
const NOTE_HEADER =
  /^(?:notes?|comments?|remarks?|owner|responsible|assignee|who|by|verified by|evidence|link|date|time|notizen|notiz|kommentare?|bemerkungen?|verantwortlich(?:e[rn]?)?|verifiziert durch|nachweis|datum|notas?|comentarios?|observaci[oó]n(?:es)?|responsables?|fecha|commentaires?|remarques?|observações|responsável|data|备注|负责人|说明|備考|担当|担当者|비고|담당자)$/iu

/** Headers of columns that number the steps: no part of a step's text. */
const NUMBER_HEADER = /^(?:#|no\.?|nr\.?|n[º°o]\.?|num(?:ber)?|step\s*#|id|序号|番号|번호)$/iu

const BOX = /^(?:([☐])|([☑☒])|\[ \]|\[([xX])\])\uFE0F?$/u
/** A cell that only marks (✓, ✗): the meaning of a column, not a step's words. */
const MARK_ONLY = /^[✓✔✗✘×]$/u
const NUMBER_ONLY = /^\d{1,3}[.)]?$/

/** The step table `header` and `rows` make, or null when they are not one. */
export function readStepTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): StepTable | null {
  if (rows.length === 0) return null
  const names = header.map(normalise)
  for (const [status, name] of names.entries()) {
    if (!STATUS_HEADERS.has(name)) continue
    const read = readRows(names, rows, status)
    if (read) return { status, rows: read }
  }
  return null
}

function readRows(
  names: readonly string[],
  rows: readonly (readonly string[])[],
  status: number,
): StepRow[] | null {
  const out: StepRow[] = []
  let boxes = 0
  for (const cells of rows) {
    const text = cells.map((cell) => cell.trim())
    const box = BOX.exec(text[status] ?? '')
    if (!box) {
      // No box: a label heading the rows below it (one cell of text), or no step table.
      if ((text[status] ?? '') !== '') return null
      const filled = text.flatMap((cell, index) => (cell !== '' ? [index] : []))
      if (filled.length !== 1) return null
      out.push({ kind: 'label', cell: filled[0] as number })
      continue
    }
    const steps: number[] = []
    const notes: number[] = []
    for (const [index, cell] of text.entries()) {
      if (index === status || cell === '' || MARK_ONLY.test(cell)) continue
      const name = names[index] ?? ''
      if (NUMBER_HEADER.test(name) || (NUMBER_ONLY.test(cell) && steps.length === 0)) continue
      if (NOTE_HEADER.test(name)) notes.push(index)
      else steps.push(index)
    }
    if (steps.length === 0) return null
    boxes++
    out.push({ kind: 'step', checked: box[2] !== undefined || box[3] !== undefined, steps, notes })
  }
  return boxes > 0 ? out : null
}

/** A header cell as the sets above hold it: lower case, spaces folded, emphasis and a colon dropped. */
function normalise(cell: string): string {
  return cell
    .toLowerCase()
    .replace(/[*_`:：]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}
