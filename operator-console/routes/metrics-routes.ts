import type Router from '@koa/router';
import type { MetricsReport } from '../../hub/metrics/report.js';
import { isMetricWindow, type MetricWindow } from '../../hub/metrics/windows.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import { metricsView, WINDOW_NAMES, windowLinks } from './metrics-view.js';

/**
 * Metrics: the numbers operators are judged by (the hub's GET /api/v1/operator/metrics) for the
 * last 24 hours, 7 days or 30 days, in plain tables by biller and method. The window is a link
 * (`?window=`), so the page needs no script; an unknown window is a 400 page naming the three.
 */
export function metricsRoutes(router: Router, { pages, api }: OperatorConsoleDeps): void {
  router.get('/metrics', operatorOnly(pages), async (ctx) => {
    const { session } = operatorOf(ctx);
    const asked = typeof ctx.query.window === 'string' ? ctx.query.window : '24h';
    if (!isMetricWindow(asked)) {
      return pages.render(
        ctx,
        'error',
        { title: 'No such window', text: 'Choose the last 24 hours, 7 days or 30 days.', kind: 'bad_request' },
        400,
      );
    }
    const window: MetricWindow = asked;
    const report = await api.get<MetricsReport>(session, '/operator/metrics', new URLSearchParams({ window }));
    await pages.render(ctx, 'metrics', {
      title: `Metrics: ${WINDOW_NAMES[window].toLowerCase()}`,
      windowName: WINDOW_NAMES[window],
      windows: windowLinks(window),
      m: metricsView(report),
    });
  });
}
