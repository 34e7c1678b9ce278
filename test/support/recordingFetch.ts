/** Everything a server sent back during a test: status, headers and body text of every response. */
export type RecordedResponse = { url: string; method: string; status: number; headers: string; body: string };

/**
 * A fetch for the typed clients that keeps a copy of every response, so a test can search all of
 * them afterwards (for a planted secret, say). The transport is a parameter (STYLE.md §7).
 */
export function recordingFetch(): { fetch: typeof fetch; responses: RecordedResponse[] } {
  const responses: RecordedResponse[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request);
    const body = await response.clone().text();
    responses.push({
      url: request.url,
      method: request.method,
      status: response.status,
      headers: JSON.stringify([...response.headers.entries()]),
      body,
    });
    return response;
  };
  return { fetch: wrapped, responses };
}
