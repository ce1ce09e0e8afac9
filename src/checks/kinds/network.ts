/** `tcp` and `port`: a port accepts connections, local ports are free. The code is in ../network.ts. */
import type * as Zod from 'zod'
import { defineCheck } from '../kind.ts'
import { list, port, text, z } from '../params.ts'

const tcpSchema = () => z.object({ host: text(), port: port() }).strict()
const portSchema = () => z.object({ port: list(port()), host: text().optional() }).strict()

export type TcpParams = Zod.output<ReturnType<typeof tcpSchema>>
export type PortParams = Zod.output<ReturnType<typeof portSchema>>

export const tcp = defineCheck({
  kind: 'tcp',
  description: 'A TCP port accepts connections',
  params: tcpSchema,
  example: 'check: tcp host=localhost port=9092',
  load: () => import('../network.ts').then((m) => m.checkTcp),
})

export const portFree = defineCheck({
  kind: 'port',
  description: 'Local ports are free to listen on',
  params: portSchema,
  example: 'check: port port=8000,5432,9092',
  load: () => import('../network.ts').then((m) => m.checkPortsFree),
})
