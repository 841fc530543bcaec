// Images bots uploaded with im/v1/images, served by this server at /web/api/images/<image_key>. A key's placeholder
// stands until its image has loaded and then gives way to it; for a key the server does not know (404) the labelled
// placeholder simply stays. Keys seen loaded before are shown at once (streamed markdown re-renders often). Only keys
// this server issues (img_v3_okc_ and 32 hex digits) are asked for: a Feishu key copied into a card can never be here.

const KEY = /^img_v3_okc_[0-9a-f]{32}$/;
const loaded = new Set();

/** The image's address; in development sign-in the viewer travels as ?user=, as on every web API call (api.js). */
function imageUrl(key) {
  const user = new URLSearchParams(globalThis.location ? globalThis.location.search : '').get('user');
  return `/web/api/images/${encodeURIComponent(key)}${user ? `?user=${encodeURIComponent(user)}` : ''}`;
}

function imageElement(doc, key, alt, className) {
  const img = doc.createElement('img');
  if (className) img.className = className;
  img.alt = alt || '';
  img.dataset.imgKey = key;
  img.src = imageUrl(key);
  return img;
}

/**
 * What to show for an image key: the image when it is known to load, else `placeholder`, replaced by the image as soon
 * as it has loaded (a key that is not an uploaded image leaves the placeholder in place).
 */
export function withStoredImage(placeholder, key, alt, className) {
  if (typeof key !== 'string' || !KEY.test(key)) return placeholder;
  // the page's document: markdown placeholders live in DOMPurify's inert document, where no image ever loads
  const doc = globalThis.document || placeholder.ownerDocument;
  if (loaded.has(key)) return imageElement(doc, key, alt, className);
  const img = imageElement(doc, key, alt, className);
  img.addEventListener('load', () => {
    loaded.add(key);
    placeholder.replaceWith(img);
  }, { once: true });
  return placeholder;
}

/** The body of an image message ({"image_key": …}). */
export function imageMessage(doc, content) {
  const key = content && typeof content.image_key === 'string' ? content.image_key : '';
  const placeholder = doc.createElement('span');
  placeholder.className = 'ock-img-placeholder msg-image-placeholder';
  placeholder.textContent = '🖼 图片';
  if (/^img_[A-Za-z0-9_-]{1,200}$/.test(key)) placeholder.dataset.imgKey = key;
  const figure = doc.createElement('figure');
  figure.className = 'msg-image';
  figure.append(withStoredImage(placeholder, key, '图片', null));
  return figure;
}
