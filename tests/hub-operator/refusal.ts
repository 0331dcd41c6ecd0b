/** What an action's rejected promise carried: the HTTP status, the problem code, its message and the state found. */
export async function refusal(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => {
      throw new Error('the action was not refused');
    },
    (e: unknown) => e,
  )) as { status: number; code: string; message: string; details?: { found?: string } };
  return { status: error.status, code: error.code, message: error.message, found: error.details?.found };
}
