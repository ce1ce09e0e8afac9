/** `http`: an endpoint answers as expected. The code that asks is in ../http.ts. */
import type * as Zod from 'zod'
import { httpService } from '../http-hosts.ts'
import { defineCheck, type WrittenParams } from '../kind.ts'
import { bool, list, oneOf, text, z } from '../params.ts'

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
/** Methods that only read: a check sending any other one changes something. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const schema = () => {
  /** `200`, `2xx`, `401`: one status or a class of them. */
  const statusPattern = z
    .string()
    .regex(/^[1-5](\d\d|xx)$/i, 'expected a status such as 200 or 2xx')
  const headerLine = () =>
    z
      .string()
      .regex(/^[^:]+:/, 'expected Name: value')
      .optional()
  return z
    .object({
      url: text(),
      method: oneOf(HTTP_METHODS).optional(),
      status: list(statusPattern).optional(),
      body: z.string().optional(),
      json: z
        .string()
        .regex(/^[^=]+=/, 'expected path=value, for example status=ok or data.0.id=7')
        .optional(),
      header: headerLine(),
      redirect: text().optional(),
      follow: bool().optional(),
      bearer: z.string().optional(),
      'request-header': headerLine(),
      data: z.string().optional(),
      'content-type': text().optional(),
      insecure: bool().optional(),
    })
    .strict()
}

export type HttpParams = Zod.output<ReturnType<typeof schema>>

/** The method a check sends: `method`, else POST when it has `data`, else GET. */
export function methodOf(params: WrittenParams): string {
  return (params.method ?? (params.data !== undefined ? 'POST' : 'GET')).toUpperCase()
}

export const http = defineCheck({
  kind: 'http',
  description:
    'An HTTP(S) endpoint answers with the expected status, body text, JSON field, header or redirect',
  params: schema,
  example: 'check: http url=http://localhost:8000/health/ready status=200 json="status=ready"',
  // A smoke test that activates something (a POST) writes each time it runs.
  effect: (params) => (READ_METHODS.has(methodOf(params)) ? 'read' : 'write'),
  credentials: () => ({ bearer: 'whole', 'request-header': 'header', data: 'from-env' }),
  // Capped per origin (http-hosts.ts); a URL not known before outputs exist throws, and the
  // check is capped with the other kinds, its connections still bounded by the pool.
  service: (params) => httpService(params.url),
  load: () => import('../http.ts').then((m) => m.checkHttp),
})
