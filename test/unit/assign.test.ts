import { createAssigner } from '../../src/assign.ts'

const sources = [{ value: 'one' }, { value: { nested: true } }]

describe('createAssigner', () => {
  it('writes each value onto internal under its key, in place', () => {
    const internal: Record<string | symbol, unknown> = Object.create(null)
    const own = Symbol('other middleware')
    internal[own] = 'kept'
    Object.defineProperty(internal, 'hidden', { value: 'kept too', enumerable: false })
    const context: Record<string, unknown> = {}
    createAssigner(['a', 'b'])(internal, context, sources)
    expect({ ...internal }).toEqual({ a: 'one', b: { nested: true }, [own]: 'kept' })
    expect(internal.hidden).toBe('kept too')
    expect(internal.b).toBe(sources[1]!.value)
    expect(context).toEqual({})
  })

  it('writes onto context under the context keys when they are given', () => {
    const internal: Record<string, unknown> = {}
    const context: Record<string, unknown> = { awsRequestId: 'r' }
    createAssigner(['my-key', 'b'], ['my_key', 'b'])(internal, context, sources)
    expect(internal).toEqual({ 'my-key': 'one', b: { nested: true } })
    expect(context).toEqual({ awsRequestId: 'r', my_key: 'one', b: { nested: true } })
  })

  it('embeds any key name as an inert literal', () => {
    const names = ["'); throw new Error('x'); ('", '\\', '`$' + '{1}`', '\u2028', '__proto__']
    const internal: Record<string, unknown> = Object.create(null)
    const context: Record<string, unknown> = Object.create(null)
    const values = names.map((_, i) => ({ value: i }))
    createAssigner(names, names)(internal, context, values)
    for (const [i, name] of names.entries()) {
      expect(Object.getOwnPropertyDescriptor(internal, name)?.value).toBe(i)
      expect(Object.getOwnPropertyDescriptor(context, name)?.value).toBe(i)
    }
  })

  describe('where code generation is disallowed', () => {
    const RealFunction = globalThis.Function
    beforeEach(() => {
      globalThis.Function = function refuse() {
        throw new EvalError('Code generation from strings disallowed for this context')
      } as unknown as FunctionConstructor
    })
    afterEach(() => {
      globalThis.Function = RealFunction
    })

    it('copies with a loop, internal and context alike', () => {
      const internal: Record<string, unknown> = {}
      const context: Record<string, unknown> = {}
      createAssigner(['a', 'b'], ['ctxA', 'ctxB'])(internal, context, sources)
      expect(internal).toEqual({ a: 'one', b: { nested: true } })
      expect(context).toEqual({ ctxA: 'one', ctxB: { nested: true } })
    })

    it('leaves context alone without context keys', () => {
      const internal: Record<string, unknown> = {}
      const context: Record<string, unknown> = {}
      createAssigner(['a', 'b'])(internal, context, sources)
      expect(internal).toEqual({ a: 'one', b: { nested: true } })
      expect(context).toEqual({})
    })
  })
})
