/**
 * "Select one" groups: sibling boxes under a heading that the checklist says to pick one of
 * (`### Priority` then `<!-- Select one by marking with an 'x' -->` and `- [ ] Critical (P1)` …
 * `- [ ] Low (P4)`). Read as tasks, each box would be a step to answer and all but one would
 * stay pending for good; they are one choice. Only an explicit cue makes them so: a comment or
 * a line right above the boxes, or the heading itself, saying to select, choose, pick or mark
 * one, in English, Spanish, Portuguese, French or German. Boxes without one stay task items,
 * and "select one or more" / "all that apply" is no cue.
 */

/** The words that ask for one answer; the caller checks what follows them (see `selectOneCue`). */
const CUE = new RegExp(
  [
    // English: "Select one", "choose only one option", "mark one box", "Pick 1"
    String.raw`\b(?:select|choose|pick|mark|tick|check)\s+(?:only\s+|just\s+)?(?:one|1)(?:\s+(?:option|answer|box|item|value|choice))?`,
    // Spanish: "Seleccione una opción", "marque solo una", "elija uno"
    String.raw`\b(?:selecciona|seleccione|seleccionar|elige|elija|elegir|escoge|escoja|marca|marque|marcar)\s+(?:s[oó]lo\s+|solamente\s+|únicamente\s+)?(?:una|uno|1)(?:\s+(?:opci[oó]n|respuesta|casilla))?`,
    // Portuguese: "Selecione uma opção", "escolha apenas uma", "assinale uma"
    String.raw`\b(?:selecione|selecionar|escolha|escolher|marque|marcar|assinale|assinalar)\s+(?:apenas\s+|somente\s+|só\s+)?(?:uma|um|1)(?:\s+(?:op[cç][aã]o|resposta|alternativa))?`,
    // French: "Cochez une seule case", "choisissez une option", "sélectionnez-en une"
    String.raw`\b(?:cochez|cocher|choisissez|choisir|s[ée]lectionnez|s[ée]lectionner)(?:-en)?\s+(?:une|un|1)(?:\s+seule?)?(?:\s+(?:case|option|r[ée]ponse))?`,
    // German: "Bitte eine Option auswählen", "Wählen Sie eine", "nur eine Antwort ankreuzen"
    String.raw`\b(?:nur\s+)?(?:eine|einen|1)\s+(?:(?:Option|Antwort|Möglichkeit)\s+)?(?:auswählen|ankreuzen|wählen|markieren)\b`,
    String.raw`\b(?:wählen|kreuzen|markieren)\s+Sie\s+(?:bitte\s+)?(?:nur\s+)?(?:eine|einen|1)(?:\s+(?:Option|Antwort|Möglichkeit))?`,
  ].join('|'),
  'iu',
)

/** What may follow the cue without changing it: "or more", "and explain" would. */
const NOT_ONE =
  /^\s*(?:or|and|o|y|ou|e|et|oder|und|more|m[aá]s|mais|plus|mehr|of each|de cada|à chaque|from)\b/iu

/** A directive comment ("<!-- check: pg.query sql="select 1" -->") is never a cue. */
const DIRECTIVE = /^\s*<!--\s*(?:check|only|id|needs|timeout|gate|signoff)\b/iu

/** A cue in parentheses or brackets in a heading or a label, taken out of its label. */
const IN_BRACKETS = /\s*[([][^)\]]*[)\]]\s*/gu

/**
 * The words of `text` that ask for one answer among the boxes below ("Select one by marking
 * with an 'x'"), or null. `text` is a comment, a line or a heading, markdown or not.
 */
export function selectOneCue(text: string): string | null {
  if (DIRECTIVE.test(text)) return null
  const plain = text
    .replace(/<!--|-->/g, ' ')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
  // A line longer than a note is prose about something else ("pick one server, then …").
  if (plain.trim().length > 200) return null
  const match = CUE.exec(plain)
  if (!match) return null
  if (NOT_ONE.test(plain.slice(match.index + match[0].length))) return null
  return plain.trim()
}

/**
 * The label a cue leaves: "Priority (select one):" → "Priority", "Select one:" → "". A
 * bracketed part is dropped only when it holds the cue ("Change (CAB)" keeps its "(CAB)").
 */
export function labelWithoutCue(text: string): string {
  const unbracketed = text.replace(IN_BRACKETS, (part) =>
    selectOneCue(part.replace(/[()[\]]/g, '')) ? ' ' : part,
  )
  const match = CUE.exec(unbracketed)
  const rest = match ? unbracketed.slice(0, match.index) : unbracketed
  return rest
    .replace(/[*_`]+/g, '')
    .replace(/[\s:：\-—–]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim()
}
