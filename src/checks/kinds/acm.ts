/** `acm.certificate`: a certificate is ISSUED, covers a domain and does not expire soon. The code is in ../aws/acm-certificate.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, integer, text, z } from '../params.ts'

/** How many days a certificate must still be valid for, unless `min-days` says otherwise. */
export const DEFAULT_MIN_DAYS = 30

const certificateSchema = () =>
  z
    .object({
      domain: text().optional(),
      arn: text().optional(),
      'min-days': integer(0, 3650).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => p.domain !== undefined || p.arn !== undefined, {
      message: "needs 'domain' or 'arn'",
    })

export type CertificateParams = Zod.output<ReturnType<typeof certificateSchema>>

export const acmCertificate = defineCheck({
  kind: 'acm.certificate',
  description:
    'ACM certificate is ISSUED, covers the domain (wildcards as ACM matches them) and is valid for at least min-days more (default 30)',
  params: certificateSchema,
  example: 'check: acm.certificate domain=api.example.com min-days=30 region=us-east-1',
  service: (p, { env }) => awsService('acm', p, env),
  // By ARN it is described at once; by domain the account's certificates are listed first.
  iam: (p) => [...(p.arn === undefined ? ['acm:ListCertificates'] : []), 'acm:DescribeCertificate'],
  load: () => import('../aws/acm-certificate.ts').then((m) => m.checkCertificate),
})
