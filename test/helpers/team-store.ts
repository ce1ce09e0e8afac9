/**
 * Team stores for tests: a fresh bucket in moto (shared with other test files,
 * so every bucket name is new), the store's objects, and a look at everything
 * in a bucket, read with a client of the test's own.
 */
import { randomUUID } from 'node:crypto'
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import type { S3StoreAddress } from '../../src/run/team/address.ts'
import type { Driver } from '../../src/run/team/lease.ts'
import { type RetryPolicy, StoreObjects } from '../../src/run/team/objects.ts'
import { backend } from './checks.ts'

/** The test's own view of moto, for making buckets and reading what the store wrote. */
function motoClient(): S3Client {
  return new S3Client({
    endpoint: backend('moto'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
}

/** A new, empty bucket in moto, as a team store with a prefix. */
export async function newTeamStore(label: string): Promise<S3StoreAddress> {
  const bucket = `dw-team-${label}-${randomUUID().slice(0, 8)}`
  const s3 = motoClient()
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  } finally {
    s3.destroy()
  }
  return { kind: 's3', bucket, prefix: 'deploy-wizard/team', source: 'test' }
}

/** Quick retries: tests wait for behaviour, not for production's patience. */
export const QUICK_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 }

export function storeObjects(
  address: S3StoreAddress,
  options: { retry?: RetryPolicy; requestTimeoutMs?: number } = {},
): StoreObjects {
  return new StoreObjects(address, { retry: QUICK_RETRY, requestTimeoutMs: 2_000, ...options })
}

export function driver(holder: string, host = 'laptop-7'): Driver {
  return { holder, host, arn: `arn:aws:sts::123456789012:assumed-role/deployer/${holder}` }
}

/** Every object in the bucket: key and body. */
export async function bucketObjects(bucket: string): Promise<Map<string, string>> {
  const s3 = motoClient()
  const objects = new Map<string, string>()
  try {
    let token: string | undefined
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )
      for (const { Key } of page.Contents ?? []) {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))
        objects.set(Key ?? '', (await got.Body?.transformToString()) ?? '')
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  } finally {
    s3.destroy()
  }
  return objects
}

/**
 * Removes the object at `path` under the store's prefix, as no deploy-wizard ever does: a store
 * as an older version left it (one that kept no text of an edited checklist, say).
 */
export async function removeObject(address: S3StoreAddress, path: string): Promise<void> {
  const s3 = motoClient()
  try {
    await s3.send(
      new DeleteObjectCommand({ Bucket: address.bucket, Key: `${address.prefix}/${path}` }),
    )
  } finally {
    s3.destroy()
  }
}

/** How many event objects the run has in the bucket. */
export async function eventCount(address: S3StoreAddress, runId: string): Promise<number> {
  const s3 = motoClient()
  try {
    let count = 0
    let token: string | undefined
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: address.bucket,
          Prefix: `${address.prefix}/runs/${runId}/events/`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      )
      count += page.KeyCount ?? 0
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return count
  } finally {
    s3.destroy()
  }
}
