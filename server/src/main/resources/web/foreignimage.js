// Images from other sites, loaded only when the viewer asks (issue 10, finding 8). Shown at once, a bot's image from a
// foreign host would tell that host who read the card and when (a tracking pixel); and the page's
// Content-Security-Policy (img-src 'self' data:) refuses them anyway. A click loads that one image in a sandboxed
// frame the server serves with a policy naming exactly that URL (/web/image-frame): the page's own policy never opens.

import { h } from './dom.js';

// The foreign images this viewer asked for in this page: a card that renders again (streaming) keeps showing them.
const asked = new Set();

/**
 * The image at {@code url} (http or https): shown at once when it is this server's own, else a placeholder that loads it
 * when clicked. {@code imgClass} is the class of a shown image; {@code broken()} makes what replaces one that fails.
 */
export function imageAt(url, alt, imgClass, broken) {
  if (sameOrigin(url)) {
    const img = h('img', { class: imgClass, src: url, alt, title: alt || null, referrerpolicy: 'no-referrer', loading: 'lazy' });
    img.addEventListener('error', () => img.replaceWith(broken()));
    return img;
  }
  return foreignImage(url, alt);
}

/** A placeholder for the image at {@code url} (another site's) that loads it when clicked. */
function foreignImage(url, alt) {
  const label = alt || '图片';
  if (asked.has(url)) return imageFrame(url, label);
  const button = h('button', { type: 'button', class: 'ock-foreign-img', title: url, 'data-testid': 'foreign-image' },
    h('span', { class: 'ock-img-glyph', text: '🖼' }),
    h('span', { class: 'ock-img-label', text: label }),
    h('span', { class: 'ock-foreign-img-host', text: `点击加载 ${hostOf(url)} 的图片` }));
  button.addEventListener('click', (event) => {
    event.stopPropagation(); // loading an image is not a click on the card
    asked.add(url);
    button.replaceWith(imageFrame(url, label));
  });
  return button;
}

/** The image alone in a sandboxed frame whose policy allows exactly its URL (served by ImageFrame.java). */
function imageFrame(url, label) {
  return h('iframe', {
    class: 'ock-foreign-img-frame',
    src: `/web/image-frame?url=${encodeURIComponent(url)}`,
    title: label,
    sandbox: '',
    referrerpolicy: 'no-referrer',
    'data-testid': 'foreign-image-frame',
  });
}

function sameOrigin(url) {
  try {
    return new URL(url).origin === window.location.origin;
  } catch {
    return false;
  }
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
