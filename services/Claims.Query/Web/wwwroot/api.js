// The query API, as the page uses it. Problems (RFC 7807) become errors carrying their title and detail.

export class ApiError extends Error {
  constructor(status, problem) {
    const messages = problem?.errors ? Object.values(problem.errors).flat() : [];
    super(problem?.detail || messages.join(' ') || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem?.title ?? (status === 404 ? 'Not found' : 'Something went wrong');
  }
}

async function get(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value !== null && value !== undefined && value !== '') query.set(name, value);
  }
  const url = query.size > 0 ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Claim ids hold ':', '+' and sometimes '/': each is escaped so the id stays one path segment. */
export const claimPath = (claimId) => `/claims/${encodeURIComponent(claimId)}`;

export const api = {
  claims: (filter) => get('/claims', filter),
  claim: (claimId, asOf, by) => get(claimPath(claimId), { asOf, by: asOf ? by : undefined }),
  history: (claimId) => get(`${claimPath(claimId)}/history`),
  facets: () => get('/facets'),
  conflicts: (params) => get('/conflicts', params),
  sources: () => get('/sources'),
  article: (articleId, revision) => get(`/articles/${encodeURIComponent(articleId)}`, { revision }),
};
