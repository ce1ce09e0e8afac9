/**
 * The connection `pg` talks to a server over, bounded in what it will read. A
 * PostgreSQL message is a type byte and a four-byte length, and `pg` keeps a
 * message in memory until all of it has arrived: a server announcing a 2 GB
 * message (not a PostgreSQL server, or a hostile one) made the process grow
 * by gigabytes, and the copying held up the check's own timeout. This stream
 * reads each message's header as it passes and ends the connection when one
 * message would be larger than MAX_MESSAGE_BYTES, or when a check has been
 * sent more than MAX_CHECK_BYTES in all (a query asking for a whole table), so
 * neither reaches `pg`.
 *
 * Headers can only be read in the clear, so this stream also does TLS itself,
 * below what `pg` sees: it asks for TLS as libpq does (an SSLRequest, then the
 * server's 'S' or 'N'), makes the TLS connection over its socket, and only
 * then tells `pg` it is connected. `pg` is given `ssl: false` and talks plain
 * protocol to this stream.
 */
import { isIP, Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls'

/** The largest message a check takes: a row or an error of 16 MB is no deployment check's. */
export const MAX_MESSAGE_BYTES = 16 * 2 ** 20
/** The most a check reads from the server in all. */
export const MAX_CHECK_BYTES = 32 * 2 ** 20

/** pg's own words when the server answers an SSLRequest with 'N' (errors.ts tells them apart). */
export const TLS_REFUSED = 'The server does not support SSL connections'

/** The SSLRequest: a length of 8 and the code 1234.5679. */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])
const HEADER_BYTES = 5

/** The server sent more than a check takes. */
export class BackendLimitError extends Error {
  override readonly name = 'BackendLimitError'
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

export interface BackendStreamOptions {
  /** TLS to ask for before `pg` speaks; none for a plain connection. */
  readonly tls?: ConnectionOptions | undefined
  readonly maxMessageBytes?: number
  readonly maxCheckBytes?: number
}

export class BackendStream extends Duplex {
  readonly #socket = new Socket()
  readonly #tls: ConnectionOptions | undefined
  readonly #maxMessageBytes: number
  readonly #maxCheckBytes: number
  #transport: Socket | TLSSocket | undefined
  #tlsProtocol: string | undefined
  /** The header being read, when a chunk ends inside one. */
  readonly #header = Buffer.alloc(HEADER_BYTES)
  #headerRead = 0
  /** Bytes of the current message's body still to come. */
  #bodyLeft = 0
  #checkRead = 0

  constructor(options: BackendStreamOptions = {}) {
    super({ allowHalfOpen: false })
    this.#tls = options.tls
    this.#maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES
    this.#maxCheckBytes = options.maxCheckBytes ?? MAX_CHECK_BYTES
    this.#socket.on('error', (error) => this.destroy(error))
    // Closed by the server before `pg` could speak (mid TLS request): pg hears it as a drop.
    this.#socket.on('close', () => this.destroy())
  }

  /** Connects (with TLS when asked) and emits 'connect' once `pg` may speak: what `pg` calls. */
  connect(port: number, host: string): this {
    this.#socket.connect(port, host, () => {
      if (this.#tls) this.#startTls(host, this.#tls)
      else this.#attach(this.#socket)
    })
    return this
  }

  /** The TLS protocol in use (`TLSv1.3`), or undefined for a plain connection. */
  get tlsProtocol(): string | undefined {
    return this.#tlsProtocol
  }

  /** A new check starts using the connection: what it may read is counted from here. */
  startCheck(): void {
    this.#checkRead = 0
  }

  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay)
    return this
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#socket.setKeepAlive(enable, initialDelay)
    return this
  }

  ref(): this {
    this.#socket.ref()
    return this
  }

  unref(): this {
    this.#socket.unref()
    return this
  }

  override _read(): void {
    this.#transport?.resume()
  }

  override _write(
    chunk: Buffer,
    encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    const transport = this.#transport
    if (transport) transport.write(chunk, (error) => done(error))
    else this.once('connect', () => this._write(chunk, encoding, done))
  }

  override _final(done: (error?: Error) => void): void {
    this.#transport?.end()
    done()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#transport?.destroy()
    this.#socket.destroy()
    done(error)
  }

  #startTls(host: string, options: ConnectionOptions): void {
    this.#socket.write(SSL_REQUEST)
    this.#socket.once('data', (answer: Buffer) => {
      if (answer[0] === 0x4e /* N */) return this.destroy(new Error(TLS_REFUSED))
      if (answer[0] !== 0x53 /* S */) {
        return this.destroy(new Error('There was an error establishing an SSL connection'))
      }
      if (answer.length > 1) {
        // Bytes before the handshake would reach pg as if they had come over TLS.
        return this.destroy(new Error('the server sent data before the TLS handshake'))
      }
      const secure = tlsConnect({
        ...options,
        socket: this.#socket,
        host,
        // SNI is for host names, never addresses (RFC 6066).
        ...(isIP(host) === 0 ? { servername: host } : {}),
      })
      secure.on('error', (error) => this.destroy(error))
      secure.once('secureConnect', () => {
        this.#tlsProtocol = secure.getProtocol() ?? 'TLS'
        this.#attach(secure)
      })
    })
  }

  #attach(transport: Socket | TLSSocket): void {
    this.#transport = transport
    transport.on('data', (chunk: Buffer) => this.#receive(chunk))
    transport.on('end', () => this.push(null))
    transport.on('close', () => this.destroy())
    this.emit('connect')
  }

  /** Passes a chunk on to `pg`, unless it takes the connection past a limit. */
  #receive(chunk: Buffer): void {
    if (this.destroyed) return
    this.#checkRead += chunk.length
    const limit = this.#checkRead > this.#maxCheckBytes ? this.#tooMuch() : this.#scan(chunk)
    if (limit) {
      this.destroy(limit)
      return
    }
    if (!this.push(chunk)) this.#transport?.pause()
  }

  #tooMuch(): BackendLimitError {
    return new BackendLimitError(
      `the server sent more than ${size(this.#maxCheckBytes)} for one check`,
      'ask for less: count rows in SQL (select count(*) …) rather than fetching them',
    )
  }

  #tooLarge(bytes: number): BackendLimitError {
    // PostgreSQL sends no message over 1 GB: its largest value is 1 GB.
    if (bytes > 2 ** 30) {
      return new BackendLimitError(
        `the server sent a ${size(bytes)} message: not a PostgreSQL server, or a hostile one`,
      )
    }
    return new BackendLimitError(
      `the server sent a ${size(bytes)} message, more than the ${size(this.#maxMessageBytes)} a check takes`,
      'ask for less: a part of a large value (left(body, 1000)), not all of it',
    )
  }

  /** Follows the message headers through a chunk; the error when one announces too much. */
  #scan(chunk: Buffer): BackendLimitError | undefined {
    let at = 0
    while (at < chunk.length) {
      if (this.#bodyLeft > 0) {
        const skipped = Math.min(this.#bodyLeft, chunk.length - at)
        this.#bodyLeft -= skipped
        at += skipped
        continue
      }
      const copied = chunk.copy(
        this.#header,
        this.#headerRead,
        at,
        at + HEADER_BYTES - this.#headerRead,
      )
      this.#headerRead += copied
      at += copied
      if (this.#headerRead < HEADER_BYTES) break
      this.#headerRead = 0
      // The length counts itself, not the type byte.
      const length = this.#header.readUInt32BE(1)
      if (length < 4) {
        return new BackendLimitError('the server sent a malformed message: not a PostgreSQL server')
      }
      if (length + 1 > this.#maxMessageBytes) return this.#tooLarge(length + 1)
      this.#bodyLeft = length - 4
    }
    return undefined
  }
}

/** `2.0 GB`, `16 MB`. */
function size(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GB`
    : `${Math.round(bytes / 2 ** 20)} MB`
}
