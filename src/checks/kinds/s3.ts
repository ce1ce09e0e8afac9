/** `s3.bucket`: a bucket exists with versioning, encryption, public access block and lifecycle as asked. The code is in ../aws/s3-bucket.ts. */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, text, z } from '../params.ts'

/** The default-encryption algorithms S3 knows, as its API spells them. */
export const S3_ENCRYPTIONS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const
export type S3Encryption = (typeof S3_ENCRYPTIONS)[number]

/** `true`/`false` (any default encryption, or none), or the algorithm it must be. */
const encryption = () =>
  z.string().transform((v, ctx): boolean | S3Encryption => {
    const algorithm = S3_ENCRYPTIONS.find((a) => a.toLowerCase() === v.toLowerCase())
    if (algorithm) return algorithm
    const parsed = bool().safeParse(v)
    if (parsed.success) return parsed.data
    ctx.addIssue({
      code: 'custom',
      message: `expected true, false or an algorithm: ${S3_ENCRYPTIONS.join(', ')}`,
    })
    return z.NEVER
  })

const bucketSchema = () =>
  z
    .object({
      name: text(),
      versioning: bool().optional(),
      encryption: encryption().optional(),
      'public-access-block': bool().optional(),
      lifecycle: bool().optional(),
      ...awsTarget(),
    })
    .strict()

export type BucketParams = Zod.output<ReturnType<typeof bucketSchema>>

export const s3Bucket = defineCheck({
  kind: 's3.bucket',
  description:
    'S3 bucket exists, with versioning, default encryption, the public access block (all four settings) and an enabled lifecycle rule as asked',
  params: bucketSchema,
  example:
    'check: s3.bucket name=assets-${env} versioning=true encryption=aws:kms public-access-block=true',
  service: (p, { env }) => awsService('s3', p, env),
  iam: (p) => [
    // HeadBucket is authorised by s3:ListBucket.
    's3:ListBucket',
    ...(p.versioning !== undefined ? ['s3:GetBucketVersioning'] : []),
    ...(p.encryption !== undefined ? ['s3:GetEncryptionConfiguration'] : []),
    ...(p['public-access-block'] !== undefined ? ['s3:GetBucketPublicAccessBlock'] : []),
    ...(p.lifecycle !== undefined ? ['s3:GetLifecycleConfiguration'] : []),
  ],
  load: () => import('../aws/s3-bucket.ts').then((m) => m.checkBucket),
})
