/**
 * `ec2.vpc`: a VPC with the subnets, NAT gateway, endpoints and flow logs asked
 * for; `ec2.security-group`: no inbound rule lets the world in beyond the ports
 * allowed. The code is in ../aws/ec2-vpc.ts and ../aws/ec2-security-group.ts.
 */
import type * as Zod from 'zod'
import { awsService } from '../aws/target.ts'
import { defineCheck } from '../kind.ts'
import { awsTarget, bool, integer, list, text, z } from '../params.ts'

/** A port or range the world may reach: `443`, `8000-8100`, `53/udp`, or `icmp`. */
export interface OpenPorts {
  /** `any`: TCP and UDP alike, as a bare port is written. */
  readonly protocol: 'tcp' | 'udp' | 'any' | 'icmp'
  readonly from: number
  readonly to: number
}

const OPEN_PORTS = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp))?$/i

const openPorts = () =>
  z.string().transform((v, ctx): OpenPorts => {
    if (v.toLowerCase() === 'icmp') return { protocol: 'icmp', from: -1, to: -1 }
    const match = OPEN_PORTS.exec(v)
    const from = Number(match?.[1])
    const to = match?.[2] === undefined ? from : Number(match[2])
    if (!match || from > to || to > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: `'${v}' is not a port (443), a range (8000-8100), either with /tcp or /udp, or icmp`,
      })
      return z.NEVER
    }
    const protocol = (match[3]?.toLowerCase() ?? 'any') as OpenPorts['protocol']
    return { protocol, from, to }
  })

/** An id of the form AWS gives: `sg-0123abcd`, `vpc-0123abcd`. */
const awsId = (prefix: string, example: string) =>
  text().regex(new RegExp(`^${prefix}-[0-9a-zA-Z]+$`), `expected an id such as ${example}`)

const securityGroupSchema = () =>
  z
    .object({
      name: text().optional(),
      id: awsId('sg', 'sg-0123456789abcdef0').optional(),
      vpc: awsId('vpc', 'vpc-0123456789abcdef0').optional(),
      open: list(openPorts()).optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => (p.name === undefined) !== (p.id === undefined), {
      message: "needs 'name' or 'id' (one of them)",
    })

export type SecurityGroupParams = Zod.output<ReturnType<typeof securityGroupSchema>>

export const ec2SecurityGroup = defineCheck({
  kind: 'ec2.security-group',
  description:
    'EC2 security group exists and no inbound rule is open to the world (0.0.0.0/0, ::/0) beyond the ports allowed',
  params: securityGroupSchema,
  example: 'check: ec2.security-group name=alb-${env} vpc=${vpc_id} open=443,80/tcp',
  service: (p, { env }) => awsService('ec2', p, env),
  iam: () => ['ec2:DescribeSecurityGroups'],
  load: () => import('../aws/ec2-security-group.ts').then((m) => m.checkSecurityGroup),
})

const vpcSchema = () =>
  z
    .object({
      name: text().optional(),
      id: awsId('vpc', 'vpc-0123456789abcdef0').optional(),
      'public-subnets': integer().optional(),
      'private-subnets': integer().optional(),
      'nat-gateway': bool().optional(),
      endpoints: list(text()).optional(),
      'flow-logs': bool().optional(),
      ...awsTarget(),
    })
    .strict()
    .refine((p) => (p.name === undefined) !== (p.id === undefined), {
      message: "needs 'name' (its Name tag) or 'id' (one of them)",
    })

export type VpcParams = Zod.output<ReturnType<typeof vpcSchema>>

/** What asking about subnets costs: their route tables say which are public. */
const SUBNET_ACTIONS = ['ec2:DescribeSubnets', 'ec2:DescribeRouteTables']

export const ec2Vpc = defineCheck({
  kind: 'ec2.vpc',
  description:
    'VPC exists (by id or Name tag) with at least the public and private subnets asked for, an available NAT gateway, VPC endpoints for the services named, and flow logs on',
  params: vpcSchema,
  example:
    'check: ec2.vpc name=main-${env} public-subnets=2 private-subnets=2 nat-gateway=true endpoints=s3,dynamodb flow-logs=true',
  service: (p, { env }) => awsService('ec2', p, env),
  iam: (p) => [
    'ec2:DescribeVpcs',
    ...(p['public-subnets'] !== undefined || p['private-subnets'] !== undefined
      ? SUBNET_ACTIONS
      : []),
    ...(p['nat-gateway'] !== undefined ? ['ec2:DescribeNatGateways'] : []),
    ...(p.endpoints !== undefined ? ['ec2:DescribeVpcEndpoints'] : []),
    ...(p['flow-logs'] !== undefined ? ['ec2:DescribeFlowLogs'] : []),
  ],
  load: () => import('../aws/ec2-vpc.ts').then((m) => m.checkVpc),
})
