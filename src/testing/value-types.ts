/** Public types of the values the emulators serve: secrets and parameters as a test gives them. */

/**
 * A secret value: a string (`SecretString`), bytes (`SecretBinary`), or the explicit AWS shape,
 * where `SecretBinary` may be bytes or base64 text, and `NextRotationDate` is what DescribeSecret
 * reports (the AWS emulator; the extension has no DescribeSecret).
 *
 * @example
 * ```ts
 * const a: SecretInput = '{"user":"app","password":"pw"}'
 * const b: SecretInput = new Uint8Array([1, 2, 3])
 * const c: SecretInput = { SecretBinary: 'AQID' }
 * const d: SecretInput = { SecretString: 'pw', NextRotationDate: new Date('2030-01-01T00:00:00Z') }
 * ```
 */
export type SecretInput =
  | string
  | Uint8Array
  | { SecretString?: string; SecretBinary?: Uint8Array | string; NextRotationDate?: Date }

/**
 * The three SSM parameter types.
 *
 * @example
 * ```ts
 * const type: ParameterType = 'SecureString'
 * ```
 */
export type ParameterType = 'String' | 'StringList' | 'SecureString'

/**
 * A parameter value: a plain string (type `String`, or the type the parameter already has), or a
 * value with its type and labels. A `StringList` value is the comma-joined text.
 *
 * @example
 * ```ts
 * const p: ParameterInput = { value: 'a,b,c', type: 'StringList', labels: ['prod'] }
 * ```
 */
export type ParameterInput = string | { value: string; type?: ParameterType; labels?: string[] }
