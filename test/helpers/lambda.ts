/** A realistic Lambda context and small invocation helpers for integration tests. */
import type { Context } from 'aws-lambda'

let requestCounter = 0

/** A Lambda context as the Node.js runtime builds it, with a remaining-time budget. */
export const lambdaContext = (remainingMs = 10_000): Context => {
  const deadline = Date.now() + remainingMs
  requestCounter++
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'params-secrets-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:params-secrets-test',
    memoryLimitInMB: '128',
    awsRequestId: `00000000-0000-4000-8000-${String(requestCounter).padStart(12, '0')}`,
    logGroupName: '/aws/lambda/params-secrets-test',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }
}

/** Waits until `predicate` holds (polling), for background work that has no promise to await. */
export const eventually = async (predicate: () => boolean, timeoutMs = 2000): Promise<void> => {
  const end = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A settable clock for policy tests. */
export const manualClock = (start = 1_000_000) => {
  let t = start
  const now = () => t
  now.set = (value: number) => {
    t = value
  }
  now.advance = (ms: number) => {
    t += ms
  }
  return now
}
