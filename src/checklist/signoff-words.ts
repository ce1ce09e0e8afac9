/**
 * The words sign-offs are written in: what makes a heading or a lead line a sign-off, a blank
 * a date or a signature, a label a person, a table a sign-off table, a list of boxes a choice.
 * English, Portuguese, Spanish, French, German, Japanese, Chinese and Korean, as the public
 * checklists write them (test/fixtures/public). Pure data and small tests, no parsing.
 */

/** Not part of a word: JavaScript's `\b` knows only ASCII letters ("Aprovação", "承認"). */
const B = String.raw`(?<![\p{L}\p{N}])`
const E = String.raw`(?![\p{L}\p{N}])`
const HYPHEN = String.raw`[\s\-‐‑–]?`

/**
 * Words that make a title a sign-off wherever they stand in it ("Stakeholder Sign-offs",
 * "Section 10: Final Sign-Off & Go/No-Go", "Acta de Aprobación"). "Pre-sign-off checks" is
 * not one.
 */
const ANYWHERE = [
  `sign${HYPHEN}offs?`,
  `signed${HYPHEN}off`,
  'approvals?',
  'approbations?',
  String.raw`go\s*(?:\/|-|–|or|and)?\s*no${HYPHEN}go`,
  'aprova[çc](?:ão|ao|ões|oes)',
  'autoriza[çc](?:ão|ao)',
  'homologa[çc](?:ão|ao)',
  'aprobaci(?:ón|on|ones)',
  'autorizaci(?:ón|on)',
  'visto bueno',
  'freigaben?',
  'genehmigung(?:en)?',
  'abnahme',
  'unterschriften',
  'authori[sz]ations?',
  'autorisations?',
]

/** The same in Japanese, Chinese and Korean, written without spaces: no word boundary there. */
const ANYWHERE_CJK = [
  '承認',
  '承认',
  'サインオフ',
  '署名',
  '決裁',
  '判定',
  '签字',
  '签署',
  '审批',
  '批准',
  '승인',
  '서명',
  '결재',
]

/**
 * Words that make a title a sign-off when they are the whole of it, alone or with "final"
 * ("Decision", "Validación Final", "🏁 Conclusion", "Validation métier"): with other words
 * they mean something else ("Input Validation", "Validação em Staging", "Decision Matrix").
 */
const OPENING = [
  'signatures?',
  'assinaturas?',
  'firmas',
  'unterschrift',
  'validation',
  'validação',
  'validacao',
  'validación',
  'validacion',
  'decisions?',
  'décision',
  'decisão',
  'decisao',
  'decisión',
  'decision',
  'entscheidung',
  'conclusions?',
  'conclusão',
  'conclusao',
  'conclusión',
  'completion',
  'deployment complete',
  'release complete',
  'finaliza[çc][ãa]o',
  'cierre',
  'clôture',
  'abschluss',
  '完了',
  '完成',
  '判断',
  '결정',
  '판단',
  '완료',
]

const FINAL = String.raw`(?:final(?:e|es)?|最終|最终|최종)\s*`
const SIGNOFF_ANYWHERE = new RegExp(
  `${B}(?<!pre${HYPHEN})(?:${ANYWHERE.join('|')})${E}|${ANYWHERE_CJK.join('|')}`,
  'iu',
)
/** After an opening word, only "final" or a word that says whose: "Validation métier", "Décision finale". */
const QUALIFIER = String.raw`(?:\s+(?:final(?:e|es)?|métier|client|cliente|du client|do cliente|del cliente|humaine|go[\s-]?live))?`
const SIGNOFF_OPENING = new RegExp(
  String.raw`^(?:${FINAL})?(?:${OPENING.join('|')})${QUALIFIER}[^\p{L}\p{N}]*$`,
  'iu',
)

/**
 * What comes before the words of a title: emoji and shortcodes (`:white_check_mark:`),
 * numbering ("8.", "2.1"), and step words with a number ("Section 10:", "Fase 2:", "Step 3 -").
 */
const TITLE_PREFIX = new RegExp(
  [
    `^(?:`,
    `:[a-z0-9_+-]+:`,
    String.raw`|[^\p{L}\p{N}]+`,
    String.raw`|\d+(?:\.\d+)*[.):]?(?=\s|$)`,
    String.raw`|(?:section|part|phase|stage|step|fase|etapa|paso|passo|étape|schritt|teil|abschnitt|sección|seção|secção)\s*\d+[a-z]?\s*[:.\-–—]?`,
    String.raw`|第\s*\d+\s*[章節节部段步]`,
    String.raw`|\d+\s*단계\s*[:.]?`,
    String.raw`)\s*`,
  ].join(''),
  'iu',
)

/** A title without what comes before its words ("## ✅ 8. Sign-Off" → "Sign-Off"). */
export function titleWords(title: string): string {
  let text = title.trim()
  for (let previous = ''; previous !== text; ) {
    previous = text
    text = text.replace(TITLE_PREFIX, '')
  }
  return text
}

/** A heading or lead line that names a sign-off, an approval, a go/no-go decision or a completion. */
export function namesSignoff(title: string): boolean {
  const words = titleWords(title)
  return SIGNOFF_ANYWHERE.test(words) || SIGNOFF_OPENING.test(words)
}

const DATE_LABEL = new RegExp(
  [
    // One word boundary before both kinds of words (see OPERATOR_ROLE).
    String.raw`${B}(?:(?:dates?|when|fecha|datum|jour|dia|día|date\/time|zeitpunkt)${E}|(?:deployed|released|signed|approved|completed|done|implemented)\s+on$)`,
    String.raw`^data(?:\s+d[aeo]${E}|\s*\/|$)`,
    '日付',
    '日期',
    '日時',
    '时间',
    '時間',
    '時刻',
    '시간',
    '[^\\s]日$',
    '^日$',
    '날짜',
    '일자',
    '일시',
  ].join('|'),
  'iu',
)
const SIGNATURE_LABEL =
  /signature|assinatura|firmas?(?![\p{L}])|unterschrift|visa$|^signed$|署名|签名|签字|서명|사인/iu

/** What a blank named `label` asks for: a date, a signature, or text. */
export function typeOfLabel(label: string): 'date' | 'signature' | 'text' {
  if (DATE_LABEL.test(label.trim())) return 'date'
  if (SIGNATURE_LABEL.test(label)) return 'signature'
  return 'text'
}

/**
 * A blank that asks for a person: "Deployed by", "Aprovado por", "Release manager", "QA Lead",
 * "Responsável pelo Deploy", "承認者", "发布人", "部署人员"; every operator's role (OPERATOR_ROLE) too.
 */
const PERSON_END = new RegExp(
  `(?:${B}(?:by|por|pelo|pela|von|par|lead|owner|manager|engineer|approver|aprobador|aprovador|reviewer|operator|developer|sponsor|signatory|responsible|sre|qa|qe|devops|ops|security|cto|cio|ciso|cxo|dba|po|pm|approval|review|respons[aá]vel|responsable|gerente|l[ií]der|jefe|encargado|leiter|verantwortlich|approbateur|validateur|chef)|担当|担当者|承認|承認者|作成者|確認者|実施者|責任者|レビュー|作業者|负责人|审批人|批准人|发布人|执行人|签字人|责任人|部署人|人员|담당자|승인자|책임자|실행자|배포자|작업자|담당|승인)$`,
  'iu',
)
const PERSON_START = new RegExp(
  `^(?:respons[aá]vel|responsable|verantwortlich|encargado|chef)${E}`,
  'iu',
)

/** Whether a text blank named `label` asks for a person's name. */
export function namesPerson(label: string): boolean {
  const text = label.trim()
  return PERSON_END.test(text) || PERSON_START.test(text)
}

/**
 * The roles that are the operator's own: the one running the wizard is who deployed. The
 * approver's and reviewer's are not, and start empty.
 */
const OPERATOR_ROLE = new RegExp(
  [
    // One word boundary around all the words, not one around each: each costs V8 ~0.6 ms to
    // compile (\p{L} folded for case), and a checklist not in the parse cache compiles this.
    `${B}(?:`,
    String.raw`(?:deploy(?:ed|ment)?|executed|performed|implemented|released|run|carried out|rolled out|done|completed)\s+by`,
    `|operat(?:or|ed by)`,
    `|operador|opérateur|implantador`,
    String.raw`|(?:desplegado|ejecutado|realizado|implantado|executado|conclu[ií]do|feito|implementado)\s+por`,
    String.raw`|respons[aá]vel\s+pel[oa]\s+(?:deploy|implanta[çc][ãa]o)`,
    String.raw`|responsable\s+del\s+(?:despliegue|deploy)`,
    String.raw`|(?:déployé|exécuté|réalisé)\s+par`,
    String.raw`|(?:durchgeführt|ausgeführt|deployt)\s+von`,
    `)${E}`,
    '|実施者|作業者|执行人|发布人|部署人|실행자|배포자|작업자',
  ].join(''),
  'iu',
)

/** Whether a role is the operator's own ("Deployed by", "Executado por", "発布人"). */
export function isOperatorRole(role: string): boolean {
  return OPERATOR_ROLE.test(role)
}

/** A column or label that holds a person's name: "Name", "Nombre", "氏名". */
export const NAME_LABEL =
  /^(?:full\s+)?(?:name|names|nombre|nome|nom|namen|氏名|姓名|名前|이름|성명)(?:\s*\/.*)?$/iu

/** A table column that names the role each row is for. */
const ROLE_COLUMN =
  /^(?:role|roles|rol|rôle|rolle|papel|função|funcao|función|funcion|cargo|position|title|area|área|team|equipo|equipe|équipe|役割|役職|立場|角色|职责|职位|項目|역할|직책)$/iu

/** A column that makes a table a sign-off table: who signs, their name, their signature. */
const PERSON_COLUMN =
  /^(?:approver|approvers|approved by|signatory|signed by|stakeholder|reviewer|sign[\s-]?off(?:\s+by)?|responsible|aprobador|aprovador|responsable|respons[aá]vel|approbateur|validateur|genehmiger|承認者|签字人|审批人|승인자)$/iu

/** The index of the column that names each row's role, or -1. */
export function roleColumn(header: readonly string[]): number {
  return header.findIndex((column) => ROLE_COLUMN.test(column))
}

/** Whether a table's header makes it a sign-off table: a role, a name, a signature, an approver. */
export function isSignoffHeader(header: readonly string[]): boolean {
  return header.some(
    (column) =>
      ROLE_COLUMN.test(column) ||
      NAME_LABEL.test(column) ||
      PERSON_COLUMN.test(column) ||
      typeOfLabel(column) === 'signature',
  )
}

/** The first column of a form table: what each row asks for. */
const FORM_LABEL_COLUMN =
  /^(?:fields?|items?|campos?|champs?|felder|feld|attributes?|atributos?|attributs?|項目|字段|项目|항목)$/iu
/** The second column of a form table: the answer to fill in. */
const FORM_VALUE_COLUMN =
  /^(?:values?|valor(?:es)?|valeurs?|werte?|eintrag|入力|値|内容|值|填写|값|내용)$/iu

/**
 * Whether a table is a form, one field per row: two columns, a label and its value
 * (`| Field | Value |`, `| Campo | Valor |`, `| Champ | Valeur |`, `| Feld | Wert |`, `| 項目 | 値 |`).
 */
export function isFormHeader(header: readonly string[]): boolean {
  return (
    header.length === 2 &&
    FORM_LABEL_COLUMN.test(header[0] ?? '') &&
    FORM_VALUE_COLUMN.test(header[1] ?? '')
  )
}

/** Whether a table asks for signatures: one of its columns is a Signature, Firma, Assinatura, 署名. */
export function hasSignatureColumn(header: readonly string[]): boolean {
  return header.some((column) => typeOfLabel(column) === 'signature')
}

/**
 * Words that answer a decision, each as an option of a choice: "GO", "NO-GO", "Yes", "Não",
 * "Approved with conditions", "承認".
 */
const DECISION = new RegExp(
  String.raw`^(?:not\s+)?(?:go|no[\s\-_]?go|yes|no|ok|nok|approved|approve|rejected|reject|deferred|conditional|pass|passed|fail|failed|pending|complete|completed|rolled back|success|successful|sí|si|sim|não|nao|ja|nein|oui|non|aprobado|rechazado|aprovado|reprovado|aprovada|rejeitado|genehmigt|abgelehnt|approuvé|refusé|validé|sucesso|éxito|exito|承認|却下|否認|保留|批准|拒绝|通过|不通过|승인|반려|보류|可|否)${E}`,
  'iu',
)

/** Whether `option` reads as one answer of a decision. */
export function isDecisionOption(option: string): boolean {
  return option.length <= 40 && DECISION.test(option.trim())
}

/** Labels that are never a person's, even in a list of roles: notes, comments, versions. */
const NOT_A_ROLE =
  /^(?:notes?|notas?|comments?|comentarios?|coment[aá]rios?|observa[çc][õo]es|observaciones|remarks?|bemerkungen?|anmerkungen?|version|versão|versión|release|status|estado|reason|motivo|begründung|備考|备注|メモ|비고|링크|link|ticket|environment|ambiente|entorno)$/iu

/** Whether a blank's label can be taken for a role: not "Notes", "Version", "備考". */
export function canBeRole(label: string): boolean {
  return !NOT_A_ROLE.test(label.trim())
}

/** Free words a reviewer may leave blank: notes, comments, remarks, "備考". */
const REMARK =
  /^(?:(?:additional|final|other)\s+)?(?:notes?|notas?|comments?|comentarios?|coment[aá]rios?|observa[çc][õo]es|observaciones|observations?|remarks?|bemerkungen?|anmerkungen?|remarques?|備考|备注|メモ|비고)$/iu

/** Whether a blank is a remark, which nobody has to fill for the sign-off to be complete. */
export function isRemark(label: string): boolean {
  return REMARK.test(label.trim())
}

/**
 * Words that make a line a sentence, not a label: verbs of saying what must be or is
 * ("must", "should", "is", "debe", "doit", "muss") and words that point at what follows.
 */
const SENTENCE_WORD = new RegExp(
  `${B}(?:${[
    'must|should|shall|will|would|can|could|may|might|need|needs|is|are|was|were|be|been|please|following|below',
    'debe|deben|debería|deberá|será|es|son|está|están|siguientes?|favor',
    'deve|devem|deverá|é|são|estão|seguintes?',
    'doit|doivent|devra|sera|est|sont|suivants?|suivantes?|ci-dessous',
    'muss|müssen|soll|sollen|wird|werden|ist|sind|folgenden?|unten',
  ].join('|')})${E}`,
  'iu',
)

/**
 * Whether a line ending in a colon is a sentence ("Each criterion must be satisfied for GO
 * decision:", "Los siguientes pasos deben completarse:"): four words or more, one of them a verb
 * or a pointer (SENTENCE_WORD). "Approved by the change board:" is a label.
 */
export function isSentence(text: string): boolean {
  const words = text.trim().split(/\s+/u)
  return words.length >= 4 && SENTENCE_WORD.test(text)
}

/**
 * The states a request or a change is in, as boxes under a Status heading list them
 * ("Submitted", "Approved", "Rejected", "Deferred"), in the eight languages.
 */
const STATUS = new RegExp(
  `^(?:${[
    'submitted|draft|new|open|in review|under review|in progress|pending|on hold|approved|approved with conditions|conditionally approved|not approved|rejected|declined|deferred|postponed|cancell?ed|withdrawn|closed|implemented|completed?|done',
    'enviad[oa]|borrador|en revisi[oó]n|pendiente|aprobad[oa]|rechazad[oa]|diferid[oa]|pospuest[oa]|cancelad[oa]|cerrad[oa]',
    'submetid[oa]|rascunho|em revis[aã]o|em an[aá]lise|pendente|aprovad[oa]|rejeitad[oa]|reprovad[oa]|adiad[oa]|fechad[oa]',
    'soumise?|brouillon|en revue|en attente|approuv[ée]e?|rejet[ée]e?|refus[ée]e?|diff[ée]r[ée]e?|report[ée]e?|annul[ée]e?|clos',
    'eingereicht|entwurf|in pr[uü]fung|ausstehend|genehmigt|abgelehnt|zur[uü]ckgestellt|verschoben|storniert|abgeschlossen',
    '承認|却下|保留|申請中|批准|拒绝|通过|驳回|승인|반려|보류',
  ].join('|')})$`,
  'iu',
)

/** Of those, the ones that decide an approval: a list of states holding one is a decision. */
const APPROVAL_OUTCOME =
  /^(?:(?:not\s+)?approved|rejected|declined|deferred|aprobad[oa]|rechazad[oa]|aprovad[oa]|rejeitad[oa]|reprovad[oa]|approuv[ée]e?|rejet[ée]e?|refus[ée]e?|genehmigt|abgelehnt|承認|却下|批准|拒绝|驳回|승인|반려)/iu

/**
 * Whether boxes' answers are the states of an approval (`Submitted` / `Approved` / `Rejected`
 * / `Deferred`): every one a state, one of them an approval's outcome.
 */
export function namesApprovalStates(options: readonly string[]): boolean {
  return (
    options.every((o) => STATUS.test(o.trim())) && options.some((o) => APPROVAL_OUTCOME.test(o))
  )
}

const STATUS_TITLE =
  /^(?:[\p{L}-]+\s+){0,2}(?:status|estado|statut|状态|状態|ステータス|상태)$|^(?:status|estado|statut)\s+(?:of|de|del|da|do|du|des|der)\s.{1,40}$/iu

/** A heading that names a status ("Status", "Change Status", "Estado de la solicitud", "状態"). */
export function namesStatus(title: string): boolean {
  return STATUS_TITLE.test(titleWords(title).trim())
}
