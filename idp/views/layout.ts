import { html, type SafeHtml } from './html.js';

/** Our pages run no script at all; styles are inline and images are data: URLs (QR codes). */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem}label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{font-size:1.1rem;padding:.5rem;width:100%;box-sizing:border-box;border:2px solid #555;border-radius:4px}
input:focus,button:focus{outline:3px solid #fd0;outline-offset:2px}
button{font-size:1rem;padding:.6rem 1.2rem;margin-top:1rem;border:0;border-radius:4px;background:#00703c;color:#fff;cursor:pointer}
button.link{background:none;color:#1d70b8;text-decoration:underline;padding:0;margin:.5rem 1rem 0 0}
.error{border-left:5px solid #d4351c;padding:.5rem 1rem;color:#d4351c;font-weight:600}
.notice{border-left:5px solid #1d70b8;padding:.5rem 1rem}
.hint{color:#505a5f}form.inline{display:inline}img.qr{width:200px;height:200px}code{word-break:break-all}`;

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`.value;
}

/** An error or notice box that screen readers announce. */
export function messageBox(error?: string, notice?: string): SafeHtml {
  return html`${error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : ''}${
    notice ? html`<p class="notice" role="status">${notice}</p>` : ''
  }`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}
