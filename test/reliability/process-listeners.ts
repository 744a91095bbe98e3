/** The process-wide events a library must never subscribe to, and how many listeners each has. */
export const PROCESS_EVENTS = [
  'unhandledRejection',
  'uncaughtException',
  'uncaughtExceptionMonitor',
  'exit',
  'beforeExit',
  'SIGTERM',
  'SIGINT',
  'warning',
] as const

export const listenerCounts = (): Record<string, number> =>
  Object.fromEntries(PROCESS_EVENTS.map((name) => [name, process.listenerCount(name)]))
