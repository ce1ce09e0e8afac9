/**
 * `acm.certificate` against moto_server — certificates made here with openssl
 * and imported (ISSUED, with the lifetime asked: 90 days, or 5), and one
 * requested (PENDING_VALIDATION: moto validates it only after a minute) — and
 * against our fault server for what moto cannot do: expired certificates,
 * Amazon-issued ones failing renewal, summaries that list names (moto's do
 * not), pages, throttling, an endpoint that never answers. moto is shared
 * with other test files: domains carry a per-run label.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { ACMClient, ImportCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm'
import { parseChecklist } from '../../src/checklist/parse.ts'
import { iamActionsOf } from '../../src/checks/registry.ts'
import {
  type AwsReply,
  pointAwsAt,
  startAwsFaultServer,
  WITHOUT_AWS_CREDENTIALS,
  withEnv,
} from '../helpers/aws-fault-server.ts'
import { selfSignedCertificate } from '../helpers/certificate.ts'
import { backend, checklistOf, type RunOptions, runChecklist } from '../helpers/checks.ts'

pointAwsAt(backend('moto'))
const fault = await startAwsFaultServer()

const run = randomUUID().slice(0, 8)
const GOOD = `good-${run}.example.net`
const SOON = `soon-${run}.example.net`
const RENEWED = `renewed-${run}.example.net`
const DAY_MS = 86_400_000

const acm = new ACMClient({ region: 'us-east-1', maxAttempts: 1 })
let goodArn = ''
let goodExpiry = ''
let soonExpiry = ''

/** Imports a self-signed certificate for these names, valid for `days`; its ARN and last day. */
async function importCertificate(days: number, commonName: string, dnsNames: string[]) {
  const { cert, key } = await selfSignedCertificate({ days, commonName, dnsNames })
  const { CertificateArn = '' } = await acm.send(
    new ImportCertificateCommand({
      Certificate: Buffer.from(cert),
      PrivateKey: Buffer.from(key),
    }),
  )
  return {
    arn: CertificateArn,
    lastDay: new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10),
  }
}

before(async () => {
  const good = await importCertificate(90, `*.${GOOD}`, [`*.${GOOD}`, GOOD])
  goodArn = good.arn
  goodExpiry = good.lastDay
  soonExpiry = (await importCertificate(5, SOON, [SOON])).lastDay
  // Renewed, with the old one left beside the new.
  await importCertificate(10, `api.${RENEWED}`, [`api.${RENEWED}`])
  await importCertificate(200, `*.${RENEWED}`, [`*.${RENEWED}`])
})

after(async () => {
  acm.destroy()
  await fault.close()
})

async function check(directive: string, options: RunOptions = {}) {
  return (await runChecklist(checklistOf(directive), options)).result()
}

function checkOnFault(directive: string, options: RunOptions = {}) {
  return withEnv({ AWS_ENDPOINT_URL: fault.url }, () => check(directive, options))
}

function iamOf(directive: string): readonly string[] {
  const item = parseChecklist(checklistOf(directive), { path: 'inline.md' }).checklist.items[0]
  assert.ok(item)
  return iamActionsOf(item)
}

describe('acm.certificate parameters', () => {
  it('lists certificates only when it must find one by domain', () => {
    assert.deepEqual(iamOf('acm.certificate domain=example.com'), [
      'acm:ListCertificates',
      'acm:DescribeCertificate',
    ])
    assert.deepEqual(iamOf('acm.certificate arn=arn:aws:acm:us-east-1:1:certificate/x'), [
      'acm:DescribeCertificate',
    ])
  })

  it('needs a domain or an ARN', () => {
    const { problems } = parseChecklist(checklistOf('acm.certificate min-days=10'), {
      path: 'inline.md',
    })
    assert.match(problems.map((p) => p.message).join('\n'), /needs 'domain' or 'arn'/)
  })
})

describe('acm.certificate against moto', () => {
  it('passes for a name its wildcard covers, saying when it expires', async () => {
    const result = await check(`acm.certificate domain=api.${GOOD}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.equal(
      result.summary,
      `certificate *.${GOOD} covers api.${GOOD}, ISSUED, expires ${goodExpiry} (89 days left)`,
    )
    assert.equal(result.evidence?.arn, goodArn)
    assert.deepEqual(result.evidence?.names, [`*.${GOOD}`, GOOD])
    assert.equal(result.evidence?.type, 'IMPORTED')
    assert.equal(result.evidence?.daysLeft, 89)
    assert.equal(result.evidence?.keyAlgorithm, 'EC_prime256v1')
  })

  it('passes for the bare domain the certificate names beside its wildcard', async () => {
    const result = await check(`acm.certificate domain=${GOOD.toUpperCase()}.`)
    assert.equal(result.status, 'pass', result.summary)
  })

  it('fails a name two labels below the wildcard, as ACM does not cover it', async () => {
    const result = await check(`acm.certificate domain=a.b.${GOOD} region=us-east-1`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `no certificate in ACM covers a.b.${GOOD}`)
    assert.match(result.details?.[0] ?? '', /^none of the \d+ certificates in us-east-1 names it$/)
  })

  it('says a certificate for CloudFront belongs in us-east-1 when looking elsewhere', async () => {
    const result = await check(`acm.certificate domain=${GOOD} region=eu-west-1`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details?.slice(1), [
      'a certificate for CloudFront must be in us-east-1: check the region',
    ])
  })

  it('fails a certificate that expires within min-days (default 30), saying an imported one is not renewed', async () => {
    const result = await check(`acm.certificate domain=${SOON}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `certificate for ${SOON} is not as required: it expires in 4 days, on ${soonExpiry} (expected at least 30)`,
    )
    assert.match(
      result.details?.[1] ?? '',
      /^ACM does not renew an imported certificate: import the renewed one with aws acm import-certificate --certificate-arn arn:aws:acm:/,
    )
    const lenient = await check(`acm.certificate domain=${SOON} min-days=3`)
    assert.equal(lenient.status, 'pass', lenient.summary)
  })

  it('judges the renewed certificate, not the old one left beside it', async () => {
    const result = await check(`acm.certificate domain=api.${RENEWED}`)
    assert.equal(result.status, 'pass', result.details?.join('\n'))
    assert.match(
      result.summary,
      new RegExp(`^certificate \\*\\.${RENEWED} covers api\\.${RENEWED}, ISSUED`),
    )
    assert.equal(result.evidence?.covering, 2)
  })

  it('checks a certificate given by ARN, and that it covers the domain given with it', async () => {
    const byArn = await check(`acm.certificate arn=${goodArn}`)
    assert.equal(byArn.status, 'pass', byArn.summary)
    assert.match(
      byArn.summary,
      new RegExp(`^certificate \\*\\.${GOOD} ISSUED, expires ${goodExpiry}`),
    )
    const other = await check(`acm.certificate arn=${goodArn} domain=www.example.org`)
    assert.equal(other.status, 'fail')
    assert.deepEqual(other.details, [
      `it does not cover www.example.org (it covers *.${GOOD}, ${GOOD})`,
    ])
  })

  it('fails for an ARN ACM does not have', async () => {
    const arn =
      'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000'
    const result = await check(`acm.certificate arn=${arn}`)
    assert.equal(result.status, 'fail')
    assert.equal(result.summary, `certificate ${arn} does not exist`)
  })

  it('fails a certificate pending validation, with the DNS record that validates it', async () => {
    // moto validates a requested certificate after a minute: checked at once, it is still pending.
    const pending = `pending-${run}.example.net`
    await acm.send(new RequestCertificateCommand({ DomainName: pending, ValidationMethod: 'DNS' }))
    const result = await check(`acm.certificate domain=${pending}`)
    assert.equal(result.status, 'fail')
    assert.equal(
      result.summary,
      `certificate for ${pending} is not as required: it is PENDING_VALIDATION (expected ISSUED)`,
    )
    assert.match(
      result.details?.[1] ?? '',
      new RegExp(
        `^to validate ${pending}: add the DNS record _\\w+\\.${pending}\\. CNAME _\\w+\\.`,
      ),
    )
  })
})

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/1f2e3d4c'

function summary(domain: string, extra: Record<string, unknown> = {}) {
  return {
    CertificateArn: `${ARN}-${domain}`,
    DomainName: domain,
    SubjectAlternativeNameSummaries: [domain],
    HasAdditionalSubjectAlternativeNames: false,
    Status: 'ISSUED',
    NotAfter: new Date(Date.now() + 100 * DAY_MS),
    ...extra,
  }
}

function certificate(domain: string, extra: Record<string, unknown> = {}): AwsReply {
  return {
    result: {
      Certificate: {
        CertificateArn: `${ARN}-${domain}`,
        DomainName: domain,
        SubjectAlternativeNames: [domain],
        Status: 'ISSUED',
        Type: 'AMAZON_ISSUED',
        NotAfter: new Date(Date.now() + 100 * DAY_MS + 60_000),
        InUseBy: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1'],
        ...extra,
      },
    },
  }
}

const THROTTLED: AwsReply = { error: 'ThrottlingException', message: 'Rate exceeded' }

describe('acm.certificate in states moto cannot produce', () => {
  it('reads every page of every key type, and describes only the certificate that covers the domain', async () => {
    fault.script(({ action, params }) => {
      if (action === 'DescribeCertificate') return certificate('api.example.com')
      return params.NextToken === undefined
        ? { result: { CertificateSummaryList: [summary('www.example.com')], NextToken: 'page-2' } }
        : {
            result: {
              CertificateSummaryList: [summary('other.example.org'), summary('api.example.com')],
            },
          }
    })
    const result = await checkOnFault('acm.certificate domain=api.example.com')
    assert.equal(result.status, 'pass', result.summary)
    assert.deepEqual(
      fault.requests.map((r) => r.action),
      ['ListCertificates', 'ListCertificates', 'DescribeCertificate'],
    )
    const includes = fault.requests[0]?.params.Includes as { keyTypes?: string[] }
    assert.ok(
      includes.keyTypes?.includes('EC_prime256v1') && includes.keyTypes.includes('RSA_4096'),
    )
    assert.deepEqual(fault.requests[2]?.params, { CertificateArn: `${ARN}-api.example.com` })
  })

  it('fails an expired certificate, with the day it expired', async () => {
    const expired = new Date('2025-01-31T12:00:00Z')
    fault.script(({ action }) =>
      action === 'ListCertificates'
        ? {
            result: {
              CertificateSummaryList: [
                summary('api.example.com', { Status: 'EXPIRED', NotAfter: expired }),
              ],
            },
          }
        : certificate('api.example.com', { Status: 'EXPIRED', NotAfter: expired }),
    )
    const result = await checkOnFault('acm.certificate domain=api.example.com')
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      'it is EXPIRED (expected ISSUED)',
      'it expired on 2025-01-31',
    ])
  })

  it("says why ACM's renewal of a certificate about to expire is stuck", async () => {
    fault.script(({ action }) =>
      action === 'ListCertificates'
        ? { result: { CertificateSummaryList: [summary('api.example.com')] } }
        : certificate('api.example.com', {
            NotAfter: new Date(Date.now() + 10 * DAY_MS + 60_000),
            RenewalSummary: {
              RenewalStatus: 'PENDING_VALIDATION',
              RenewalStatusReason: 'NO_AVAILABLE_CONTACTS',
              UpdatedAt: new Date(),
              DomainValidationOptions: [],
            },
          }),
    )
    const result = await checkOnFault('acm.certificate domain=api.example.com')
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, [
      `it expires in 10 days, on ${new Date(Date.now() + 10 * DAY_MS).toISOString().slice(0, 10)} (expected at least 30)`,
      "ACM's renewal is PENDING_VALIDATION (NO_AVAILABLE_CONTACTS)",
    ])
    assert.equal(result.evidence?.renewal, 'PENDING_VALIDATION')
  })

  it('fails a certificate whose issue failed, with the reason ACM gives', async () => {
    fault.script(() =>
      certificate('api.example.com', { Status: 'FAILED', FailureReason: 'CAA_ERROR' }),
    )
    const result = await checkOnFault(`acm.certificate arn=${ARN}-api.example.com`)
    assert.equal(result.status, 'fail')
    assert.deepEqual(result.details, ['it is FAILED (expected ISSUED)', 'ACM says: CAA_ERROR'])
  })

  it('retries throttling, then passes', async () => {
    fault.script((_, n) => (n <= 2 ? THROTTLED : certificate('api.example.com')))
    const result = await checkOnFault(`acm.certificate arn=${ARN}-api.example.com`)
    assert.equal(result.status, 'pass', result.summary)
    assert.equal(result.attempts, 3)
  })

  it('gives up with an error when the throttling does not stop', async () => {
    fault.script(() => THROTTLED)
    const result = await checkOnFault('acm.certificate domain=api.example.com')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'AWS throttled acm:ListCertificates (ThrottlingException) (gave up after 4 attempts)',
    )
  })

  it('names the permission listing certificates needs', async () => {
    fault.script(() => ({ error: 'AccessDeniedException', message: 'not authorized' }))
    const result = await checkOnFault('acm.certificate domain=api.example.com')
    assert.equal(result.status, 'error')
    assert.equal(
      result.summary,
      'access denied: the AWS identity may not call acm:ListCertificates',
    )
  })

  it('says no answer came from an endpoint that never answers', async () => {
    fault.script(() => 'hang')
    const result = await checkOnFault(`acm.certificate arn=${ARN}`, { awsRequestTimeoutMs: 200 })
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^no answer from .+ to acm:DescribeCertificate within \d+m?s: check the VPN/,
    )
  })

  it('errors with what to set when there are no credentials', async () => {
    fault.script(() => certificate('api.example.com'))
    const result = await withEnv(WITHOUT_AWS_CREDENTIALS, () =>
      checkOnFault(`acm.certificate arn=${ARN}`),
    )
    assert.equal(result.status, 'error')
    assert.equal(result.summary, 'no AWS credentials')
    assert.equal(fault.requests.length, 0)
  })

  it('does not judge a certificate whose status is missing', async () => {
    fault.script(() => certificate('api.example.com', { Status: undefined }))
    const result = await checkOnFault(`acm.certificate arn=${ARN}`)
    assert.equal(result.status, 'error')
    assert.match(
      result.summary,
      /^unexpected answer from Certificate Manager at .*: Certificate\.Status is missing$/,
    )
  })
})
