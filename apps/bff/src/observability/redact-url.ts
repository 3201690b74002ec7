/**
 * Request URLs go into the request log; some carry one-time credentials in their query (the OIDC callback's `code`
 * and `state`, tokens a misbehaving client puts there). Their values are replaced before the line is written.
 */
const SECRET_QUERY_PARAMETERS = new Set(['code', 'state', 'id_token', 'access_token', 'refresh_token', 'token', 'client_secret']);

export function redactUrl(url: string | undefined): string | undefined {
  if (!url?.includes('?')) return url;
  const [path, query] = url.split('?', 2) as [string, string];
  const parameters = new URLSearchParams(query);
  let changed = false;
  for (const name of [...parameters.keys()])
    if (SECRET_QUERY_PARAMETERS.has(name.toLowerCase())) {
      parameters.set(name, '[redacted]');
      changed = true;
    }
  return changed ? `${path}?${parameters.toString()}` : url;
}

/** The same for a parsed query object (pino's request serializer logs `req.query` beside the URL). */
export function redactQuery<T>(query: T): T {
  if (!query || typeof query !== 'object') return query;
  const entries = Object.entries(query as Record<string, unknown>);
  if (!entries.some(([name]) => SECRET_QUERY_PARAMETERS.has(name.toLowerCase()))) return query;
  return Object.fromEntries(
    entries.map(([name, value]) => [name, SECRET_QUERY_PARAMETERS.has(name.toLowerCase()) ? '[redacted]' : value]),
  ) as T;
}
