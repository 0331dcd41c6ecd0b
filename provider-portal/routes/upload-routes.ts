import type Router from '@koa/router';
import { MAX_UPLOAD_ROWS } from '../../hub/demands/demand-csv.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import { csrfMatches } from '../../hub/portal/session/csrf.js';
import { ApiProblem } from '../api/demands-api.js';
import type { ProblemError } from '../api/types.js';
import type { ProviderPortalDeps } from '../deps.js';
import { memberOf, memberOnly } from '../http/member.js';
import { readMultipart } from '../http/multipart.js';

/** The upload path: exempt from the form-body CSRF check, it checks the token in its multipart body itself. */
export const UPLOAD_PATH = '/demands/upload';
/** The hub takes at most 4 MB of CSV; the form around it adds a little. */
const UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024 + 64 * 1024;

/**
 * Upload a CSV of demands (the columns of hub/demands/README.md): all or none. A file with errors
 * shows every bad row and cell as the hub reported it, and nothing is created.
 */
export function uploadRoutes(router: Router, { pages, api }: ProviderPortalDeps): void {
  const member = memberOnly(pages);
  const title = 'Upload demands from a CSV file';
  const maxRows = MAX_UPLOAD_ROWS.toLocaleString('en-IN');

  router.get(UPLOAD_PATH, member, async (ctx) => {
    await pages.render(ctx, 'upload', { title, maxRows });
  });

  router.post(UPLOAD_PATH, member, async (ctx) => {
    const { session } = memberOf(ctx);
    const form = await readMultipart(ctx, UPLOAD_LIMIT_BYTES);
    if (!session.current || !csrfMatches(session.current.csrf, form.get('csrf'))) {
      throw new PortalError(403, 'csrf', 'the upload form did not carry this session’s CSRF token');
    }
    const file = form.get('file');
    const chosen = typeof file === 'object' && file && file.name ? file : undefined;
    const csv = chosen ? await chosen.text() : '';
    if (!csv.trim()) {
      const text = !chosen ? 'Choose a CSV file to upload' : `The file ${chosen.name} is empty`;
      return pages.render(ctx, 'upload', { title, maxRows, errors: [{ field: 'file', text }] }, 400);
    }
    try {
      // The hub makes the same file of this organisation one upload, whoever sends it and however.
      const result = await api.upload(session, csv);
      const done = result.replayed ? 'Nothing new: these demands were already raised' : 'Demands raised';
      await pages.render(ctx, 'upload-done', { title: done, result });
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 422].includes(error.status)) throw error;
      const rows = (Array.isArray(error.body.errors) ? error.body.errors : []) as ProblemError[];
      await pages.render(
        ctx,
        'upload',
        {
          title,
          maxRows,
          rowErrors: rows,
          errors: [{ field: 'file', text: error.detail || 'The file has errors; no demand was created' }],
        },
        400,
      );
    }
  });
}
