/**
 * Which AWS operations the generic `aws` kind may call: those that only read
 * how things are deployed. Pure data, loaded by `validate`.
 */

/**
 * The verbs of operations that read: Describe, Get, List, Head, Lookup, Search.
 * Not Batch… (BatchGetItem reads a table's data), Scan and Query (data, not
 * deployment state), Check…, nor anything that creates, changes or starts.
 */
export const READ_VERB = /^(Describe|Get|List|Head|Lookup|Search)[A-Z0-9]/

/**
 * Read operations refused all the same, by service id: each answers with a
 * secret, a credential or a signed URL, or reads application data rather than
 * deployment state. Why, for the message.
 */
export const REFUSED_OPERATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  acm: {
    GetAcmeExternalAccountBindingCredentials: 'it returns credentials',
  },
  apigateway: {
    GetUsagePlanKey: "it returns the API key's value",
    GetUsagePlanKeys: "it returns the API keys' values",
  },
  cognitoidentityprovider: {
    GetClientToken: 'it returns a token',
    GetDerivedToken: 'it returns a token',
    GetTokensFromRefreshToken: 'it returns tokens',
    ListUserPoolClientSecrets: "it lists app clients' secrets",
  },
  secretsmanager: {
    GetSecretValue: "it returns the secret's value; the `secret` kind checks a secret without it",
    GetRandomPassword: 'it makes a password',
  },
  ecr: {
    GetAuthorizationToken: 'it returns a registry credential',
    GetDownloadUrlForLayer: 'it returns a signed download URL',
  },
  sts: {
    GetSessionToken: 'it returns credentials',
    GetFederationToken: 'it returns credentials',
    GetWebIdentityToken: 'it returns a token',
    GetDelegatedAccessToken: 'it returns a token',
    GetScopedCredentials: 'it returns credentials',
  },
  wafv2: {
    GetDecryptedAPIKey: 'it decrypts an API key',
    ListAPIKeys: 'it lists the API keys themselves',
  },
  ec2: {
    GetPasswordData: "it returns an instance's administrator password",
    GetConsoleOutput: "it reads an instance's console, which may hold anything it printed",
    GetConsoleScreenshot: "it reads an instance's console, which may hold anything it printed",
  },
  s3: {
    GetObject: "it reads an object's content: check it exists with head-object",
    GetObjectTorrent: "it reads an object's content",
  },
  dynamodb: {
    GetItem: "it reads a table's data, not how the table is deployed",
  },
  cloudwatchlogs: {
    GetLogEvents: 'it reads log contents, which may hold anything the application printed',
    GetLogRecord: 'it reads log contents, which may hold anything the application printed',
    GetQueryResults: 'it reads log contents, which may hold anything the application printed',
    GetLogObject: 'it reads log contents, which may hold anything the application printed',
  },
  ssm: {
    GetAccessToken: 'it returns credentials',
    GetCommandInvocation: "it reads a command's output, which may hold anything it printed",
  },
}

/** Options that make a read return secret values, refused wherever they appear. */
export const REFUSED_OPTIONS: Readonly<Record<string, string>> = {
  'with-decryption': 'it decrypts SecureString values; without it a value stays encrypted',
  'include-value': "it returns the API key's value",
  'include-values': "it returns the API keys' values",
}
