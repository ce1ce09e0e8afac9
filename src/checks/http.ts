import { z } from 'zod'
import { defineCheck } from './kind.ts'
import { bool, list, oneOf, text } from './params.ts'

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** `200`, `2xx`, `401`: one status or a class of them. */
const statusPattern = z.string().regex(/^[1-5](\d\d|xx)$/i, 'expected a status such as 200 or 2xx')

export const http = defineCheck({
  kind: 'http',
  description:
    'An HTTP(S) endpoint answers with the expected status, body text, JSON field, header or redirect',
  params: z
    .object({
      url: text(),
      method: oneOf(HTTP_METHODS).optional(),
      status: list(statusPattern).optional(),
      body: z.string().optional(),
      json: z
        .string()
        .regex(/^[^=]+=/, 'expected path=value, for example status=ok or data.0.id=7')
        .optional(),
      header: z
        .string()
        .regex(/^[^:]+:/, 'expected Name: value')
        .optional(),
      redirect: text().optional(),
      follow: bool().optional(),
      bearer: z.string().optional(),
      'request-header': z
        .string()
        .regex(/^[^:]+:/, 'expected Name: value')
        .optional(),
      data: z.string().optional(),
      'content-type': text().optional(),
      insecure: bool().optional(),
    })
    .strict(),
  example: 'check: http url=http://localhost:8000/health/ready status=200 json="status=ready"',
})
