/**
 * `acm.certificate`: a certificate is ISSUED, covers a domain as ACM matches
 * names (`*.example.com` covers `api.example.com`, not `example.com` nor
 * `a.b.example.com`), and is valid for at least `min-days` more days. Given an
 * ARN it is described at once; given a domain, the region's certificates are
 * listed (every key type: ACM lists only RSA-2048 ones unless asked) and the
 * best one covering it is judged — ISSUED first, then the latest to expire — so
 * an old certificate left beside its renewal does not fail the check.
 */
import type { ACMClient } from '@aws-sdk/client-acm'
import * as z from 'zod'
import { type CheckContext, fail, pass, type RunCheck } from '../kind.ts'
import { DEFAULT_MIN_DAYS, type CertificateParams as Params } from '../kinds/acm.ts'
import type { CheckOutcome } from '../runner.ts'
import { expectAnswer } from './answers.ts'
import { awsCall, awsErrorName, awsErrorOutcome } from './errors.ts'
import { targetOf } from './target.ts'

const DAY_MS = 86_400_000

const SummaryShape = z.object({
  CertificateArn: z.string(),
  DomainName: z.string().optional(),
  SubjectAlternativeNameSummaries: z.array(z.string()).optional(),
  HasAdditionalSubjectAlternativeNames: z.boolean().optional(),
  Status: z.string().optional(),
  NotAfter: z.date().optional(),
})
type Summary = z.output<typeof SummaryShape>
const ListAnswer = z.object({ CertificateSummaryList: z.array(SummaryShape).optional() })

const CertificateAnswer = z.object({
  Certificate: z.object({
    CertificateArn: z.string(),
    DomainName: z.string(),
    SubjectAlternativeNames: z.array(z.string()).optional(),
    Status: z.string(),
    Type: z.string().optional(),
    NotAfter: z.date().optional(),
    FailureReason: z.string().optional(),
    InUseBy: z.array(z.string()).optional(),
    KeyAlgorithm: z.string().optional(),
    RenewalEligibility: z.string().optional(),
    RenewalSummary: z
      .object({
        RenewalStatus: z.string().optional(),
        RenewalStatusReason: z.string().optional(),
      })
      .optional(),
    DomainValidationOptions: z
      .array(
        z.object({
          DomainName: z.string(),
          ValidationStatus: z.string().optional(),
          ValidationMethod: z.string().optional(),
          ResourceRecord: z
            .object({ Name: z.string(), Type: z.string(), Value: z.string() })
            .optional(),
        }),
      )
      .optional(),
  }),
})
type Certificate = z.output<typeof CertificateAnswer>['Certificate']

/** Runs an `acm.certificate` check (its parameters: kinds/acm.ts). */
export const checkCertificate: RunCheck<Params> = async (p, ctx) => {
  try {
    return await judgeCertificate(p, ctx)
  } catch (caught) {
    return awsErrorOutcome(caught, { signal: ctx.signal, profile: p.profile })
  }
}

async function judgeCertificate(p: Params, ctx: CheckContext): Promise<CheckOutcome> {
  const client = await ctx.clients.aws('acm', targetOf(p, ctx.env))
  const region = await client.config.region()
  const domain = p.domain === undefined ? undefined : normalise(p.domain)
  let certificate: Certificate | undefined
  let covering = 1
  if (p.arn !== undefined) {
    certificate = await describe(client, p.arn, ctx.signal)
    if (!certificate) {
      return fail(`certificate ${p.arn} does not exist`, {
        details: [
          `check the ARN and the region (${region}); a certificate for CloudFront is in us-east-1`,
        ],
      })
    }
  } else if (domain !== undefined) {
    const found = await findCovering(client, domain, ctx.signal)
    if (!found.best) {
      return fail(`no certificate in ACM covers ${domain}`, {
        details: [
          `none of the ${found.looked} certificate${found.looked === 1 ? '' : 's'} in ${region} names it`,
          ...(region === 'us-east-1'
            ? []
            : ['a certificate for CloudFront must be in us-east-1: check the region']),
        ],
      })
    }
    certificate = found.best
    covering = found.covering
  }
  if (!certificate) throw new Error('acm.certificate needs a domain or an ARN')
  return verdict(certificate, domain, p['min-days'] ?? DEFAULT_MIN_DAYS, covering)
}

function verdict(
  cert: Certificate,
  domain: string | undefined,
  minDays: number,
  covering: number,
): CheckOutcome {
  const unmet: string[] = []
  const hints: string[] = []
  const names = namesOf(cert)
  if (domain !== undefined && !names.some((name) => covers(name, domain)))
    unmet.push(`it does not cover ${domain} (it covers ${names.join(', ')})`)
  const daysLeft = cert.NotAfter
    ? Math.floor((cert.NotAfter.getTime() - Date.now()) / DAY_MS)
    : undefined
  if (cert.Status !== 'ISSUED') {
    unmet.push(`it is ${cert.Status} (expected ISSUED)`)
    hints.push(...statusHints(cert))
  } else if (daysLeft !== undefined && cert.NotAfter && daysLeft < minDays) {
    const when = day(cert.NotAfter)
    unmet.push(
      daysLeft < 0
        ? `it expired on ${when}`
        : `it expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${when} (expected at least ${minDays})`,
    )
    hints.push(...renewalHints(cert))
  }
  const evidence = {
    arn: cert.CertificateArn,
    domain: cert.DomainName,
    names,
    status: cert.Status,
    ...(cert.Type ? { type: cert.Type } : {}),
    ...(cert.NotAfter ? { notAfter: cert.NotAfter.toISOString() } : {}),
    ...(daysLeft !== undefined ? { daysLeft } : {}),
    inUseBy: cert.InUseBy?.length ?? 0,
    ...(cert.RenewalSummary?.RenewalStatus
      ? { renewal: cert.RenewalSummary.RenewalStatus }
      : cert.RenewalEligibility
        ? { renewal: cert.RenewalEligibility }
        : {}),
    ...(cert.KeyAlgorithm ? { keyAlgorithm: cert.KeyAlgorithm } : {}),
    ...(covering > 1 ? { covering } : {}),
  }
  const subject = `certificate ${cert.DomainName}`
  const [first, ...rest] = unmet
  if (first === undefined) {
    const expiry =
      cert.NotAfter && daysLeft !== undefined
        ? `, expires ${day(cert.NotAfter)} (${daysLeft} day${daysLeft === 1 ? '' : 's'} left)`
        : ''
    const what = domain !== undefined ? `${subject} covers ${domain}, ISSUED` : `${subject} ISSUED`
    return pass(`${what}${expiry}`, { evidence })
  }
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : ''
  const forWhat = domain !== undefined ? `certificate for ${domain}` : subject
  return fail(`${forWhat} is not as required: ${first}${more}`, {
    details: [...unmet, ...hints],
    evidence,
  })
}

/** What would make a certificate that is not ISSUED so, from what ACM says of it. */
function statusHints(cert: Certificate): string[] {
  if (cert.Status === 'PENDING_VALIDATION') {
    const pending = (cert.DomainValidationOptions ?? []).filter(
      (option) => option.ValidationStatus === 'PENDING_VALIDATION',
    )
    const hints: string[] = []
    const seen = new Set<string>()
    for (const option of pending) {
      const record = option.ResourceRecord
      if (record) {
        // A name and its wildcard share one record.
        if (seen.has(record.Name)) continue
        seen.add(record.Name)
        hints.push(
          `to validate ${option.DomainName}: add the DNS record ${record.Name} ${record.Type} ${record.Value}`,
        )
      } else if (option.ValidationMethod === 'EMAIL') {
        hints.push(`to validate ${option.DomainName}: approve the validation email ACM sent`)
      }
    }
    return hints
  }
  if (cert.Status === 'EXPIRED' && cert.NotAfter) return [`it expired on ${day(cert.NotAfter)}`]
  if (cert.FailureReason) return [`ACM says: ${cert.FailureReason}`]
  return []
}

/** Why a certificate about to expire may not be renewed, and what to do. */
function renewalHints(cert: Certificate): string[] {
  if (cert.Type === 'IMPORTED') {
    return [
      `ACM does not renew an imported certificate: import the renewed one with aws acm import-certificate --certificate-arn ${cert.CertificateArn}`,
    ]
  }
  const renewal = cert.RenewalSummary
  if (renewal?.RenewalStatus) {
    const reason = renewal.RenewalStatusReason ? ` (${renewal.RenewalStatusReason})` : ''
    return [`ACM's renewal is ${renewal.RenewalStatus}${reason}`]
  }
  if ((cert.InUseBy ?? []).length === 0)
    return ['ACM renews a certificate only while something uses it, and nothing uses this one']
  return []
}

/** The certificate by ARN, or undefined when ACM has none such. */
async function describe(
  client: ACMClient,
  arn: string,
  signal: AbortSignal,
): Promise<Certificate | undefined> {
  const { DescribeCertificateCommand } = await import('@aws-sdk/client-acm')
  return awsCall('acm:DescribeCertificate', async () => {
    try {
      const answer = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }), {
        abortSignal: signal,
      })
      return expectAnswer(answer, CertificateAnswer).Certificate
    } catch (caught) {
      if (awsErrorName(caught) === 'ResourceNotFoundException') return undefined
      throw caught
    }
  })
}

interface Found {
  readonly best: Certificate | undefined
  /** Certificates listed. */
  readonly looked: number
  /** Certificates covering the domain. */
  readonly covering: number
}

/**
 * The best certificate covering `domain`: ISSUED before any other status,
 * PENDING_VALIDATION before the rest, then the one that expires last.
 */
async function findCovering(
  client: ACMClient,
  domain: string,
  signal: AbortSignal,
): Promise<Found> {
  const summaries = await listAll(client, signal)
  const candidates: Summary[] = []
  const described = new Map<string, Certificate>()
  for (const summary of summaries) {
    const listed = [summary.DomainName, ...(summary.SubjectAlternativeNameSummaries ?? [])]
    if (listed.some((name) => name !== undefined && covers(name, domain))) {
      candidates.push(summary)
      continue
    }
    // The summary may not list every name: then only the certificate itself says.
    const complete =
      summary.SubjectAlternativeNameSummaries !== undefined &&
      summary.HasAdditionalSubjectAlternativeNames !== true
    if (complete) continue
    const cert = await describe(client, summary.CertificateArn, signal)
    if (cert && namesOf(cert).some((name) => covers(name, domain))) {
      described.set(cert.CertificateArn, cert)
      candidates.push({ ...summary, Status: cert.Status, NotAfter: cert.NotAfter })
    }
  }
  const rank = (status: string | undefined) =>
    status === 'ISSUED' ? 0 : status === 'PENDING_VALIDATION' ? 1 : 2
  const [top] = candidates.sort(
    (a, b) =>
      rank(a.Status) - rank(b.Status) ||
      (b.NotAfter?.getTime() ?? 0) - (a.NotAfter?.getTime() ?? 0),
  )
  const best = top
    ? (described.get(top.CertificateArn) ?? (await describe(client, top.CertificateArn, signal)))
    : undefined
  return { best, looked: summaries.length, covering: candidates.length }
}

/** Every certificate in the region, of every key type and status, all pages. */
async function listAll(client: ACMClient, signal: AbortSignal): Promise<Summary[]> {
  const { KeyAlgorithm, paginateListCertificates } = await import('@aws-sdk/client-acm')
  return awsCall('acm:ListCertificates', async () => {
    const summaries: Summary[] = []
    const pages = paginateListCertificates(
      { client, pageSize: 1000, stopOnSameToken: true },
      { Includes: { keyTypes: Object.values(KeyAlgorithm) } },
      { abortSignal: signal },
    )
    for await (const page of pages) {
      summaries.push(...(expectAnswer(page, ListAnswer).CertificateSummaryList ?? []))
    }
    return summaries
  })
}

/** The names a certificate is for: its domain and its alternative names. */
function namesOf(cert: Certificate): string[] {
  return [...new Set([cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])])]
}

/**
 * Whether a certificate for `name` is good for `domain`, as ACM and browsers
 * match: equal names, or a wildcard standing for exactly one leftmost label.
 */
export function covers(name: string, domain: string): boolean {
  const certified = normalise(name)
  if (certified === domain) return true
  if (!certified.startsWith('*.') || domain.startsWith('*.')) return false
  const dot = domain.indexOf('.')
  return dot > 0 && domain.slice(dot + 1) === certified.slice(2)
}

/** Domain names compare without case and without a trailing dot. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

/** `2025-03-14`: a date an operator reads at a glance (UTC). */
function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}
