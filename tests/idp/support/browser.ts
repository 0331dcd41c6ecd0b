import makeFetchCookie from 'fetch-cookie';
import { CookieJar } from 'tough-cookie';

export interface Page {
  url: string;
  status: number;
  html: string;
}

/**
 * A browser without JavaScript: a cookie jar, redirects followed by hand so that the one to
 * a client's redirect_uri is caught instead of fetched, and HTML forms submitted as typed.
 */
export class Browser {
  readonly jar = new CookieJar();
  private readonly fetch = makeFetchCookie(fetch, this.jar);

  /** `headers` go with every request, as a browser's Accept-Language does. */
  constructor(
    private readonly stopAt: string[] = [],
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Follows redirects until a page, or until a redirect to a URL starting with one of `stopAt`. */
  async go(url: string, init: RequestInit = {}): Promise<Page> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 20; hops++) {
      if (hops > 0 && this.stopAt.some((prefix) => current.startsWith(prefix))) {
        return { url: current, status: 0, html: '' };
      }
      const headers = { ...this.headers, ...(request.headers as Record<string, string> | undefined) };
      const res = await this.fetch(current, { ...request, headers, redirect: 'manual' });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        request = {};
        continue;
      }
      return { url: current, status: res.status, html: await res.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the form whose action ends with `actionSuffix`, with its hidden fields plus `fields`. */
  async submit(page: Page, actionSuffix: string, fields: Record<string, string> = {}): Promise<Page> {
    const forms = [...page.html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find(([, action]) => action?.replace(/&amp;/g, '&').endsWith(actionSuffix));
    if (!form) throw new Error(`no form ending in ${actionSuffix} on ${page.url}:\n${page.html.slice(0, 2000)}`);
    const body = new URLSearchParams();
    for (const [, name, value] of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      body.set(name as string, value as string);
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    const action = new URL((form[1] ?? '').replace(/&amp;/g, '&'), page.url).toString();
    return this.go(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
}
