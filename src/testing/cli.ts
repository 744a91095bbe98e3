// The `params-secrets-emulator` bin: SIGINT/SIGTERM stop it cleanly; everything else is runCli.
import { runCli } from './run-cli.ts'

const controller = new AbortController()
const stop = () => controller.abort()
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
})
process.off('SIGINT', stop)
process.off('SIGTERM', stop)
