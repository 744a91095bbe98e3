// undici has no `exports` map: its Pool can be loaded alone, at a fraction of the whole package's
// import cost (see bench/). This gives that deep import its type.
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici'

  const PoolClass: typeof Pool
  export default PoolClass
}
